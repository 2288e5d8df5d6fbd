import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser, reauthenticate, signIn, uniqueEmail, whoAmI } from '../../support/factories.js';
import { LogCapture } from '../../support/log-capture.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { CookieJar, signInThroughProvider } from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider, TEST_APP_URL } from '../../support/oidc-test-app.js';
import { securityEventRowsOf } from '../../support/session-rows.js';
import type { GraphqlResponse } from '../../support/test-app.js';
import {
  COMPLETE_SIGN_IN,
  enableTwoFactor,
  passwordChallenge,
  START_ENROLLMENT,
  type TwoFactorUser,
} from '../../support/two-factor.js';

const REQUEST_RESET = 'mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }';
const RESET =
  'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token session { id authenticationFactors } } }';
const DISABLE =
  'mutation($input: SecondFactorInput!) { disableTwoFactor(input: $input) { id twoFactorEnabled recoveryCodesRemaining } }';
const REGENERATE = 'mutation { regenerateRecoveryCodes }';
const STEP_UP =
  'mutation($input: SecondFactorInput!) { reauthenticateWithSecondFactor(input: $input) { session { id sudoExpiresAt } } }';
const NOT_ME = 'mutation($token: String!) { reportUnrecognizedSignIn(token: $token) }';
const TWO_FACTOR_STATE = '{ me { twoFactorEnabled recoveryCodesRemaining } }';

function expectCode(response: GraphqlResponse, code: string): void {
  expect(response.errors?.[0].extensions?.code).toBe(code);
}

/**
 * Every way in asks for the second factor on a two-factor account (a
 * password, an identity provider, a password-reset link), and every change of
 * the factor needs the proof its issue names, mails the owner, and keeps
 * secrets and codes out of logs, events and stored mail.
 */
describe('two-factor on every way in', () => {
  let catcher: MailCatcher;
  let setup: OidcTestSetup;
  const log = new LogCapture();

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    setup = await startAppWithProvider(
      { env: { ...catcher.env, LOG_LEVEL: 'debug' } },
      { logDestination: log },
    );
  });

  afterAll(async () => {
    await setup?.app.close();
    await setup?.provider.close();
    await catcher?.close();
  });

  const app = () => setup.app;

  async function mailTo(address: string, subject: string) {
    while (catcher.to(address, subject).length === 0) {
      await app().get(MailDeliveryJob).run();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return catcher.to(address, subject);
  }

  async function sessionIds(userId: string): Promise<string[]> {
    const rows = await app().sql<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1 ORDER BY id', [
      userId,
    ]);
    return rows.map(({ id }) => id);
  }

  it('needs a fresh proof to start: the sign-in itself (a stolen cookie) is not one', async () => {
    const user = await createUser(app());
    const refused = await app().gql(START_ENROLLMENT, {}, { token: user.token });
    expectCode(refused, 'REAUTHENTICATION_REQUIRED');
    expect(await app().sql('SELECT 1 FROM totp_factors WHERE user_id = $1', [user.id])).toHaveLength(0);

    await reauthenticate(app(), user, user.token);
    const started = await app().gql<{
      startTotpEnrollment: { secret: string; otpauthUri: string; qrCodeSvg: string };
    }>(START_ENROLLMENT, {}, { token: user.token });
    const { secret, otpauthUri, qrCodeSvg } = started.data!.startTotpEnrollment;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(
      `otpauth://totp/Sessions:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Sessions`,
    );
    expect(qrCodeSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // Sealed: the database alone does not hold the secret.
    const [row] = await app().sql<{ sealed: string }>(
      'SELECT secret_ciphertext AS sealed FROM totp_factors WHERE user_id = $1',
      [user.id],
    );
    expect(row.sealed).not.toContain(secret);
    expect(row.sealed.startsWith('v1.')).toBe(true);
  });

  it('turns on with a code: ten codes once, the other sessions ended, the owner mailed', async () => {
    const user = await createUser(app());
    const laptop = await signIn(app(), user);
    const phone = await signIn(app(), user);
    const enabled = await enableTwoFactor(app(), user);

    expect(enabled.recoveryCodes).toHaveLength(10);
    expect(new Set(enabled.recoveryCodes).size).toBe(10);
    expect(await whoAmI(app(), laptop.token)).toBeNull();
    expect(await whoAmI(app(), phone.token)).toBeNull();
    expect(await whoAmI(app(), user.token)).toMatchObject({ id: user.id, activeSessionCount: 1 });
    const [mail] = await mailTo(user.email, 'Two-factor authentication is on');
    expect(mail.link).toMatch(`${TEST_APP_URL}/not-me?token=`);
    const [event] = (await securityEventRowsOf(app(), user.id)).filter(
      (e) => e.type === 'TWO_FACTOR_ENABLED',
    );
    expect(event.ended_session_count).toBe(2);
    const state = await app().gql<{ me: { twoFactorEnabled: boolean; recoveryCodesRemaining: number } }>(
      TWO_FACTOR_STATE,
      {},
      { token: user.token },
    );
    expect(state.data!.me).toEqual({ twoFactorEnabled: true, recoveryCodesRemaining: 10 });
  });

  it("asks the second factor of a provider sign-in on the app's /two-factor page, then signs in", async () => {
    const user = await createUser(app());
    const person = { subject: `two-factor-${Math.random().toString(36).slice(2)}`, email: uniqueEmail() };
    await reauthenticate(app(), user, user.token);
    const jar = new CookieJar();
    jar.set(app().url, 'session', user.token);
    const linked = await signInThroughProvider(app(), setup.providerId, person, jar, '?link=1');
    expect(linked.error).toBeNull();
    const owner = await enableTwoFactor(app(), user);
    const before = await sessionIds(user.id);

    const browser = new CookieJar();
    const result = await signInThroughProvider(app(), setup.providerId, person, browser);

    expect(result.error).toBeNull();
    expect(result.sessionToken).toBeUndefined();
    const landing = new URL(result.location);
    expect(`${landing.origin}${landing.pathname}`).toBe(`${TEST_APP_URL}/two-factor`);
    expect(await sessionIds(user.id)).toEqual(before);
    const cookie = `sign_in_challenge=${browser.get(app().url, 'sign_in_challenge')}`;
    const completed = await app().gql<{ completeSignIn: { session: { authenticationFactors: string[] } } }>(
      COMPLETE_SIGN_IN,
      { input: { method: 'TOTP', code: await owner.app.nextCode() } },
      { headers: { cookie } },
    );
    expect(completed.errors).toBeUndefined();
    expect(completed.data!.completeSignIn.session.authenticationFactors).toEqual([
      'IDENTITY_PROVIDER',
      'TOTP',
    ]);
  });

  it('makes a reset link wait for the second factor: nothing changes until it is given', async () => {
    const owner: TwoFactorUser = await enableTwoFactor(app(), await createUser(app()));
    const other = await signInWithPassword(owner);
    await app().gql(REQUEST_RESET, { input: { email: owner.email } });
    const [mail] = await mailTo(owner.email, 'Reset your password');
    const token = new URL(mail.link!).searchParams.get('token')!;
    const [{ hash: hashBefore }] = await app().sql<{ hash: string }>(
      'SELECT password_hash AS hash FROM users WHERE id = $1',
      [owner.id],
    );
    const sessionsBefore = await sessionIds(owner.id);

    const reset = await app().gql(RESET, { input: { token, newPassword: 'a brand new pass phrase 42' } });

    expectCode(reset, 'SECOND_FACTOR_REQUIRED');
    const [{ hash: hashAfter }] = await app().sql<{ hash: string }>(
      'SELECT password_hash AS hash FROM users WHERE id = $1',
      [owner.id],
    );
    expect(hashAfter).toBe(hashBefore);
    expect(await sessionIds(owner.id)).toEqual(sessionsBefore);
    expect(await whoAmI(app(), other)).not.toBeNull();

    const completed = await app().gql<{
      completeSignIn: { token: string; session: { authenticationFactors: string[] } };
    }>(COMPLETE_SIGN_IN, {
      input: {
        challenge: reset.errors![0].extensions!.challenge,
        method: 'RECOVERY_CODE',
        code: owner.recoveryCodes[3],
      },
    });

    expect(completed.errors).toBeUndefined();
    expect(completed.data!.completeSignIn.session.authenticationFactors).toEqual([
      'EMAIL_LINK',
      'RECOVERY_CODE',
    ]);
    expect(await sessionIds(owner.id)).toHaveLength(1);
    expect(await whoAmI(app(), other)).toBeNull();
    // The new password is the account's (it now asks its second factor), the old one is wrong.
    await passwordChallenge(app(), { email: owner.email, password: 'a brand new pass phrase 42' });
    expectCode(
      await app().gql('mutation($input: SignInInput!) { signIn(input: $input) { token } }', {
        input: { email: owner.email, password: owner.password },
      }),
      'UNAUTHENTICATED',
    );
    // The link was spent by the completion; the factor stays on.
    expectCode(
      await app().gql(RESET, { input: { token, newPassword: 'yet another pass phrase 43' } }),
      'BAD_USER_INPUT',
    );
    // One code signed the other device in, one completed the reset.
    while (catcher.to(owner.email, 'A recovery code was used').length < 2) {
      await app().get(MailDeliveryJob).run();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const used = catcher.to(owner.email, 'A recovery code was used').map((mail) => mail.text);
    expect(used.some((text) => text.includes('You have 8 recovery codes left.'))).toBe(true);
    const state = await app().gql<{ me: { twoFactorEnabled: boolean } }>(
      TWO_FACTOR_STATE,
      {},
      {
        token: completed.data!.completeSignIn.token,
      },
    );
    expect(state.data!.me.twoFactorEnabled).toBe(true);
  });

  /** A two-factor sign-in with a password and, to spare the app's codes, a recovery code. */
  async function signInWithPassword(
    user: TwoFactorUser,
    recoveryCode = 8,
    userAgent?: string,
  ): Promise<string> {
    const challenge = await passwordChallenge(app(), user, { userAgent });
    const response = await app().gql<{ completeSignIn: { token: string } }>(
      COMPLETE_SIGN_IN,
      { input: { challenge, method: 'RECOVERY_CODE', code: user.recoveryCodes[recoveryCode] } },
      { userAgent },
    );
    if (!response.data) throw new Error(JSON.stringify(response.errors));
    return response.data.completeSignIn.token;
  }

  it('turns off only in the sudo window and with a current code, and mails the owner', async () => {
    const owner = await enableTwoFactor(app(), await createUser(app()));
    const token = await signInWithPassword(owner);
    await app().sql("UPDATE sessions SET authenticated_at = now() - interval '1 hour' WHERE user_id = $1", [
      owner.id,
    ]);

    // The window is checked first: the code is not even read.
    const outside = await app().gql(DISABLE, { input: { method: 'TOTP', code: '000000' } }, { token });
    expectCode(outside, 'REAUTHENTICATION_REQUIRED');
    expect(outside.errors![0].extensions!.methods).toEqual(['PASSWORD', 'TOTP']);

    const stepUp = await app().gql(
      STEP_UP,
      { input: { method: 'TOTP', code: await owner.app.nextCode() } },
      { token },
    );
    expect(stepUp.errors).toBeUndefined();
    const wrong = await app().gql(DISABLE, { input: { method: 'TOTP', code: '123456' } }, { token });
    expectCode(wrong, 'BAD_USER_INPUT');
    expect(Object.keys(wrong.errors![0].extensions!.fields as object)).toEqual(['code']);
    const missing = await app().gql(DISABLE, { input: { method: 'TOTP' } }, { token });
    expectCode(missing, 'BAD_USER_INPUT');

    const off = await app().gql<{
      disableTwoFactor: { twoFactorEnabled: boolean; recoveryCodesRemaining: number };
    }>(DISABLE, { input: { method: 'TOTP', code: await owner.app.nextCode() } }, { token });
    expect(off.data!.disableTwoFactor).toMatchObject({ twoFactorEnabled: false, recoveryCodesRemaining: 0 });
    const [mail] = await mailTo(owner.email, 'Two-factor authentication is off');
    expect(mail.link).toMatch(`${TEST_APP_URL}/not-me?token=`);
    // One factor signs in again.
    await signIn(app(), owner);
  });

  it('makes new recovery codes in the sudo window only; the old ones stop working', async () => {
    const owner = await enableTwoFactor(app(), await createUser(app()));
    const token = await signInWithPassword(owner);
    await app().sql("UPDATE sessions SET authenticated_at = now() - interval '1 hour' WHERE user_id = $1", [
      owner.id,
    ]);
    expectCode(await app().gql(REGENERATE, {}, { token }), 'REAUTHENTICATION_REQUIRED');

    await reauthenticate(app(), owner, token);
    const fresh = await app().gql<{ regenerateRecoveryCodes: string[] }>(REGENERATE, {}, { token });
    const codes = fresh.data!.regenerateRecoveryCodes;
    expect(codes).toHaveLength(10);
    expect(codes.some((code) => owner.recoveryCodes.includes(code))).toBe(false);
    const old = await app().gql(COMPLETE_SIGN_IN, {
      input: {
        challenge: await passwordChallenge(app(), owner),
        method: 'RECOVERY_CODE',
        code: owner.recoveryCodes[0],
      },
    });
    expectCode(old, 'BAD_USER_INPUT');
    const types = (await securityEventRowsOf(app(), owner.id)).map((event) => event.type);
    expect(types).toContain('RECOVERY_CODES_REGENERATED');
  });

  it('"This wasn\'t me" from the "is on" mail removes the app someone else turned on', async () => {
    const owner = await createUser(app());
    const intruder = await signIn(app(), owner);
    await enableTwoFactor(app(), { ...owner, token: intruder.token });
    const [mail] = await mailTo(owner.email, 'Two-factor authentication is on');

    const reported = await app().gql(NOT_ME, { token: new URL(mail.link!).searchParams.get('token') });

    expect(reported.errors).toBeUndefined();
    expect(await app().sql('SELECT 1 FROM totp_factors WHERE user_id = $1', [owner.id])).toHaveLength(0);
    expect(await app().sql('SELECT 1 FROM recovery_codes WHERE user_id = $1', [owner.id])).toHaveLength(0);
    expect(await whoAmI(app(), intruder.token)).toBeNull();
  });

  it('"This wasn\'t me" about a later sign-in leaves the owner\'s own two-factor on', async () => {
    const owner = await enableTwoFactor(app(), await createUser(app()));
    await signInWithPassword(owner, 7, 'Unfamiliar-Browser/9.0 (Plan 9)');
    const [alert] = await mailTo(owner.email, 'New sign-in to your account');

    const reported = await app().gql(NOT_ME, { token: new URL(alert.link!).searchParams.get('token') });

    expect(reported.errors).toBeUndefined();
    const factors = await app().sql(
      'SELECT 1 FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL',
      [owner.id],
    );
    expect(factors).toHaveLength(1);
    // Locked until a reset, which asks the second factor the owner still has.
    expectCode(
      await app().gql('mutation($input: SignInInput!) { signIn(input: $input) { token } }', {
        input: { email: owner.email, password: owner.password },
      }),
      'PASSWORD_RESET_REQUIRED',
    );
  });

  it('writes no secret and no code to the log, the events or the stored mail', async () => {
    const owner = await enableTwoFactor(app(), await createUser(app()));
    await signInWithPassword(owner);
    await app().gql(COMPLETE_SIGN_IN, {
      input: {
        challenge: await passwordChallenge(app(), owner),
        method: 'RECOVERY_CODE',
        code: owner.recoveryCodes[5],
      },
    });
    const wrong = await app().gql(COMPLETE_SIGN_IN, {
      input: {
        challenge: await passwordChallenge(app(), owner),
        method: 'RECOVERY_CODE',
        code: 'zzzz-yyyy-xxxx-wwww',
      },
    });
    expect(JSON.stringify(wrong.errors)).not.toContain('zzzz-yyyy-xxxx-wwww');
    await mailTo(owner.email, 'A recovery code was used');

    const events = JSON.stringify(await securityEventRowsOf(app(), owner.id));
    const [{ mail }] = await app().sql<{ mail: string }>(
      "SELECT string_agg(subject || text_body || html_body, ' ') AS mail FROM mail_outbox WHERE recipient = $1",
      [owner.email],
    );
    for (const secret of [owner.app.secret, ...owner.recoveryCodes, await owner.app.usedCode()]) {
      expect(log.text).not.toContain(secret);
      expect(events).not.toContain(secret);
      expect(mail).not.toContain(secret);
    }
  });
});
