import { generate } from 'otplib';

import { PasskeyAuthenticator } from '../../test/support/passkey-authenticator.js';
import { graphql, graphqlOk } from './http.js';
import { type LatencyResult, summarize } from './load.js';

type RowLatency = LatencyResult & { readonly medianPerRoundMs: number[] };

/** Three ways to sign in side by side: one at a time, taking turns (rounds of each). */
export interface SignInLatency {
  readonly signIn: RowLatency;
  readonly signInWithPasskey: RowLatency;
  /** signIn answering SECOND_FACTOR_REQUIRED, then completeSignIn with a TOTP code: both timed. Absent in older runs. */
  readonly signInWithTotp?: RowLatency;
}

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }';
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { token } }';
const REAUTHENTICATE =
  'mutation($input: ReauthenticateInput!) { reauthenticate(input: $input) { session { id } } }';
const START_REGISTRATION = 'mutation { startPasskeyRegistration { optionsJson } }';
const FINISH_REGISTRATION =
  'mutation($input: FinishPasskeyRegistrationInput!) { finishPasskeyRegistration(input: $input) { id } }';
const START_SIGN_IN = 'mutation { startPasskeySignIn { optionsJson } }';
const SIGN_IN_WITH_PASSKEY =
  'mutation($input: PasskeySignInInput!) { signInWithPasskey(input: $input) { token } }';
const START_TOTP = 'mutation { startTotpEnrollment { secret } }';
const CONFIRM_TOTP = 'mutation($code: String!) { confirmTotpEnrollment(code: $code) { signedOutCount } }';
const COMPLETE_SIGN_IN = 'mutation($input: CompleteSignInInput!) { completeSignIn(input: $input) { token } }';
const TOTP_STEP_SECONDS = 30;

/**
 * Each sample times the sign-in mutation alone: for a passkey, its options
 * are fetched and signed before the clock starts (a browser's prompt sits
 * there), so the figures compare what the server does for each proof —
 * Argon2id verify versus a challenge lookup and an ECDSA verify — each
 * followed by the same door (session INSERT, cap, event, device check).
 * Two accounts of their own: one signs in with its password, one (whose
 * passkey turned two-factor on) with its passkey.
 */
export async function measureSignInLatency(
  url: string,
  {
    origin,
    rounds,
    samplesPerRound,
    warmup,
  }: { origin: string; rounds: number; samplesPerRound: number; warmup: number },
): Promise<SignInLatency> {
  const password = 'correct horse battery staple 42';
  const stamp = Date.now();
  const passwordUser = { email: `bench-password-${stamp}@example.com`, password };
  await graphqlOk(url, SIGN_UP, {}, { input: passwordUser });
  const authenticator = new PasskeyAuthenticator({ origin });
  await addPasskey(url, authenticator, { email: `bench-passkey-${stamp}@example.com`, password });
  // A code is accepted once per time step and account: every TOTP sample signs in to an account of its own.
  const totpAccounts: TotpAccount[] = [];
  for (let i = 0; i < warmup + rounds * samplesPerRound; i++)
    totpAccounts.push(await withTotp(url, { email: `bench-totp-${stamp}-${i}@example.com`, password }));

  const byPassword = async (): Promise<number> => {
    const started = performance.now();
    await graphqlOk(url, SIGN_IN, {}, { input: passwordUser });
    return performance.now() - started;
  };
  const byPasskey = async (): Promise<number> => {
    const { startPasskeySignIn } = await graphqlOk<{ startPasskeySignIn: { optionsJson: string } }>(
      url,
      START_SIGN_IN,
    );
    const responseJson = authenticator.getAssertion(startPasskeySignIn.optionsJson);
    const started = performance.now();
    await graphqlOk(url, SIGN_IN_WITH_PASSKEY, {}, { input: { responseJson } });
    return performance.now() - started;
  };

  const byPasswordAndTotp = async (): Promise<number> => {
    const account = totpAccounts.shift()!;
    const started = performance.now();
    const first = await graphql(url, SIGN_IN, {}, { input: account });
    const challenge = first.errors?.[0]?.extensions?.challenge;
    if (typeof challenge !== 'string')
      throw new Error(`expected SECOND_FACTOR_REQUIRED: ${JSON.stringify(first)}`);
    await graphqlOk(
      url,
      COMPLETE_SIGN_IN,
      {},
      { input: { challenge, method: 'TOTP', code: await account.nextCode() } },
    );
    return performance.now() - started;
  };

  for (let i = 0; i < warmup; i++) {
    await byPassword();
    await byPasskey();
    await byPasswordAndTotp();
  }
  const timings = {
    signIn: [] as number[],
    signInWithPasskey: [] as number[],
    signInWithTotp: [] as number[],
  };
  const perRound = {
    signIn: [] as number[],
    signInWithPasskey: [] as number[],
    signInWithTotp: [] as number[],
  };
  for (let round = 0; round < rounds; round++) {
    for (const [name, action] of [
      ['signIn', byPassword],
      ['signInWithPasskey', byPasskey],
      ['signInWithTotp', byPasswordAndTotp],
    ] as const) {
      const samples: number[] = [];
      for (let i = 0; i < samplesPerRound; i++) samples.push(await action());
      timings[name].push(...samples);
      perRound[name].push(summarize(samples).p50Ms);
    }
  }
  return {
    signIn: { ...summarize(timings.signIn), medianPerRoundMs: perRound.signIn },
    signInWithPasskey: {
      ...summarize(timings.signInWithPasskey),
      medianPerRoundMs: perRound.signInWithPasskey,
    },
    signInWithTotp: { ...summarize(timings.signInWithTotp), medianPerRoundMs: perRound.signInWithTotp },
  };
}

interface TotpAccount {
  readonly email: string;
  readonly password: string;
  /** A code of a time step the server has not seen for this account (the one after enrolment's, at least). */
  nextCode(): Promise<string>;
}

/** Signs up and turns two-factor on with an authenticator app, as its owner would. */
async function withTotp(url: string, account: { email: string; password: string }): Promise<TotpAccount> {
  const { signUp } = await graphqlOk<{ signUp: { token: string } }>(url, SIGN_UP, {}, { input: account });
  const headers = { authorization: `Bearer ${signUp.token}` };
  await graphqlOk(url, REAUTHENTICATE, headers, { input: { password: account.password } });
  const { startTotpEnrollment } = await graphqlOk<{ startTotpEnrollment: { secret: string } }>(
    url,
    START_TOTP,
    headers,
  );
  const secret = startTotpEnrollment.secret;
  const enrolledStep = Math.floor(Date.now() / 1000 / TOTP_STEP_SECONDS);
  await graphqlOk(url, CONFIRM_TOTP, headers, {
    code: await generate({ secret, epoch: enrolledStep * TOTP_STEP_SECONDS }),
  });
  return {
    ...account,
    // The server takes one step either side of now: the step after enrolment's is always within reach.
    nextCode: () => {
      const step = Math.max(enrolledStep + 1, Math.floor(Date.now() / 1000 / TOTP_STEP_SECONDS));
      return generate({ secret, epoch: step * TOTP_STEP_SECONDS });
    },
  };
}

/** Signs up, proves the password again (adding a way in needs it) and adds the authenticator's passkey. */
async function addPasskey(
  url: string,
  authenticator: PasskeyAuthenticator,
  account: { email: string; password: string },
): Promise<void> {
  const { signUp } = await graphqlOk<{ signUp: { token: string } }>(url, SIGN_UP, {}, { input: account });
  const headers = { authorization: `Bearer ${signUp.token}` };
  await graphqlOk(url, REAUTHENTICATE, headers, { input: { password: account.password } });
  const { startPasskeyRegistration } = await graphqlOk<{ startPasskeyRegistration: { optionsJson: string } }>(
    url,
    START_REGISTRATION,
    headers,
  );
  const responseJson = authenticator.createCredential(startPasskeyRegistration.optionsJson);
  await graphqlOk(url, FINISH_REGISTRATION, headers, { input: { responseJson, name: 'bench' } });
}

/** The two rows as a Markdown table: medians with the spread of the rounds' medians. */
export function signInLatencyRows(latency: SignInLatency): string {
  const row = (label: string, figures: LatencyResult & { medianPerRoundMs: number[] }): string => {
    const rounds = figures.medianPerRoundMs;
    return `| ${label} | ${figures.p50Ms.toFixed(1)} [${Math.min(...rounds).toFixed(1)}–${Math.max(...rounds).toFixed(1)}] | ${figures.p99Ms.toFixed(1)} | ${figures.samples} |`;
  };
  return [
    '| sign-in, one at a time | median ms [min–max of the rounds’ medians] | p99 ms | samples |',
    '| --- | --- | --- | --- |',
    row('`signIn` (Argon2id verify, then the door)', latency.signIn),
    row('`signInWithPasskey` (challenge, ECDSA verify, then the door)', latency.signInWithPasskey),
    ...(latency.signInWithTotp
      ? [row('`signIn` then `completeSignIn` (TOTP): both calls timed', latency.signInWithTotp)]
      : []),
  ].join('\n');
}
