import { PasswordResetService } from '../../../src/auth/password-reset.service.js';
import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser, signIn, USER_AGENTS } from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { TestApp } from '../../support/test-app.js';

const ALERT = 'New sign-in to your account';
const RESET = 'Reset your password';
const REQUEST_RESET = 'mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }';
const RESET_PASSWORD = 'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token } }';
const REPORT = 'mutation($token: String!) { reportUnrecognizedSignIn(token: $token) }';
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { user { id } } }';

describe('"This wasn\'t me" links issued before a password reset', () => {
  let catcher: MailCatcher;
  let app: TestApp;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    app = await TestApp.create({ ...catcher.env, MAIL_DELIVERY_INTERVAL_MS: '3600000' });
  });

  afterAll(async () => {
    await app?.close();
    await catcher?.close();
  });

  const deliver = async (): Promise<void> => {
    await app.get(PasswordResetService).settled();
    await app.get(MailDeliveryJob).run();
  };

  const tokenOf = (link: string | undefined): string => new URL(link ?? '').searchParams.get('token') ?? '';

  it('stop working once the password is reset: an old alert cannot lock the account again', async () => {
    const alice = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
    // A sign-in from a new device mails a "This wasn't me" link (valid for days) that someone else may hold.
    await signIn(app, alice, { userAgent: USER_AGENTS.safariOnIphone });
    await deliver();
    const [alert] = await catcher.waitFor(alice.email, 1, ALERT);

    await app.gql(REQUEST_RESET, { input: { email: alice.email } });
    await deliver();
    const [resetMail] = await catcher.waitFor(alice.email, 1, RESET);
    const newPassword = 'walnut lantern gravel meadow';
    const reset = await app.gql(RESET_PASSWORD, { input: { token: tokenOf(resetMail.link), newPassword } });
    expect(reset.errors).toBeUndefined();

    const replayed = await app.gql(REPORT, { token: tokenOf(alert.link) });

    expect(replayed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Read before signing in again: that sign-in, from yet another device, mails a fresh alert.
    const outstanding = await app.sql(
      `SELECT id FROM email_tokens WHERE user_id = $1 AND purpose = 'not_me' AND used_at IS NULL`,
      [alice.id],
    );
    expect(outstanding).toEqual([]);
    const signedIn = await app.gql(SIGN_IN, { input: { email: alice.email, password: newPassword } });
    expect(signedIn.errors).toBeUndefined();
    const [user] = await app.sql<{ locked: boolean }>(
      'SELECT password_reset_required AS locked FROM users WHERE id = $1',
      [alice.id],
    );
    expect(user).toEqual({ locked: false });
  });
});
