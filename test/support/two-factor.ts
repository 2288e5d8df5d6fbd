import { generate } from 'otplib';

import { reauthenticate, type TestUser } from './factories.js';
import type { TestApp } from './test-app.js';

const STEP_SECONDS = 30;

/**
 * An authenticator app in a test: the codes of its secret. The server accepts
 * each time step once, and one step either side of now, so this hands out the
 * codes of the steps after the last one used (up to the next step) and waits
 * for the clock only when all three are spent.
 */
export class TestAuthenticator {
  private lastStep = -1;

  constructor(readonly secret: string) {}

  /** The next code the server has not seen. */
  async nextCode(): Promise<string> {
    for (;;) {
      const now = Math.floor(Date.now() / 1000 / STEP_SECONDS);
      const step = Math.max(this.lastStep + 1, now - 1);
      if (step <= now + 1) {
        this.lastStep = step;
        return generate({ secret: this.secret, epoch: step * STEP_SECONDS });
      }
      // All of now's window was used: the next step opens a new one.
      const untilNextStep = ((now + 1) * STEP_SECONDS - Date.now() / 1000) * 1000;
      await new Promise((resolve) => setTimeout(resolve, untilNextStep + 50));
    }
  }

  /** A code the server has already accepted (the last one handed out): its replay must be refused. */
  async usedCode(): Promise<string> {
    if (this.lastStep < 0) throw new Error('No code was used yet');
    return generate({ secret: this.secret, epoch: this.lastStep * STEP_SECONDS });
  }
}

export interface TwoFactorUser extends TestUser {
  readonly app: TestAuthenticator;
  readonly recoveryCodes: readonly string[];
}

interface Errors {
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

function expectNoErrors(what: string, response: Errors): void {
  if (response.errors) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
}

export const START_ENROLLMENT = 'mutation { startTotpEnrollment { secret otpauthUri qrCodeSvg } }';
export const CONFIRM_ENROLLMENT =
  'mutation($code: String!) { confirmTotpEnrollment(code: $code) { recoveryCodes signedOutCount user { id twoFactorEnabled recoveryCodesRemaining } } }';
export const COMPLETE_SIGN_IN =
  'mutation($input: CompleteSignInInput!) { completeSignIn(input: $input) { token session { id authenticationFactors } user { id } } }';
export const SIGN_IN_MUTATION =
  'mutation($input: SignInInput!) { signIn(input: $input) { token session { id authenticationFactors } } }';

/** Turns two-factor on for `user` through the API, as the owner would: reauthenticate, enroll, confirm. */
export async function enableTwoFactor(app: TestApp, user: TestUser): Promise<TwoFactorUser> {
  await reauthenticate(app, user, user.token);
  const started = await app.gql<{ startTotpEnrollment: { secret: string } }>(
    START_ENROLLMENT,
    {},
    { token: user.token },
  );
  expectNoErrors('startTotpEnrollment', started);
  const authenticator = new TestAuthenticator(started.data!.startTotpEnrollment.secret);
  const confirmed = await app.gql<{ confirmTotpEnrollment: { recoveryCodes: string[] } }>(
    CONFIRM_ENROLLMENT,
    { code: await authenticator.nextCode() },
    { token: user.token },
  );
  expectNoErrors('confirmTotpEnrollment', confirmed);
  return { ...user, app: authenticator, recoveryCodes: confirmed.data!.confirmTotpEnrollment.recoveryCodes };
}

/** The first factor of a two-factor account: the challenge SECOND_FACTOR_REQUIRED gave (fails otherwise). */
export async function passwordChallenge(
  app: TestApp,
  user: Pick<TestUser, 'email' | 'password'>,
  options: { userAgent?: string } = {},
): Promise<string> {
  const response = await app.gql(
    SIGN_IN_MUTATION,
    { input: { email: user.email, password: user.password } },
    options,
  );
  const error = response.errors?.[0];
  if (error?.extensions?.code !== 'SECOND_FACTOR_REQUIRED')
    throw new Error(
      `expected SECOND_FACTOR_REQUIRED, got ${JSON.stringify(response.errors ?? response.data)}`,
    );
  return error.extensions.challenge as string;
}

/** A full two-factor sign-in with the next TOTP code; the new session's token and id. */
export async function signInWithTotp(
  app: TestApp,
  user: TwoFactorUser,
  options: { userAgent?: string } = {},
): Promise<{ token: string; sessionId: string }> {
  const challenge = await passwordChallenge(app, user, options);
  const response = await app.gql<{ completeSignIn: { token: string; session: { id: string } } }>(
    COMPLETE_SIGN_IN,
    { input: { challenge, method: 'TOTP', code: await user.app.nextCode() } },
    options,
  );
  expectNoErrors('completeSignIn', response);
  return { token: response.data!.completeSignIn.token, sessionId: response.data!.completeSignIn.session.id };
}
