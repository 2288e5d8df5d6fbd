import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser, signIn, USER_AGENTS, whoAmI } from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { TestApp } from '../../support/test-app.js';

const ALERT = 'New sign-in to your account';
const RESET = 'Reset your password';
const REPORT = 'mutation($token: String!) { reportUnrecognizedSignIn(token: $token) }';
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { user { id } } }';
const RESET_PASSWORD = 'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token } }';

describe('"New sign-in to your account" and "This wasn\'t me", with a real SMTP server', () => {
  let catcher: MailCatcher;
  let app: TestApp;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    app = await TestApp.create(catcher.env);
  });

  afterAll(async () => {
    await app?.close();
    await catcher?.close();
  });

  const deliver = (): Promise<void> => app.get(MailDeliveryJob).run();

  async function signInCode(email: string, password: string): Promise<string | null> {
    const response = await app.gql(SIGN_IN, { input: { email, password } });
    return response.errors ? String(response.errors[0].extensions?.code) : null;
  }

  function tokenOf(link: string | undefined): string {
    return new URL(link ?? '').searchParams.get('token') ?? '';
  }

  it('alerts once for a new device and never for the known one (sign-up included)', async () => {
    const alice = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
    await signIn(app, alice, { userAgent: USER_AGENTS.chromeOnMac });
    await signIn(app, alice, { userAgent: USER_AGENTS.firefoxOnWindows });
    await signIn(app, alice, { userAgent: USER_AGENTS.firefoxOnWindows });
    await deliver();

    const [alert] = await catcher.waitFor(alice.email, 1, ALERT);
    expect(catcher.to(alice.email, ALERT)).toHaveLength(1);
    expect(alert.text).toContain('Firefox on Windows');
    expect(alert.text).toContain('127.0.0.1');
    expect(new URL(alert.link ?? '').pathname).toBe('/not-me');
  });

  it('"This wasn\'t me" ends every session, refuses the old password with PASSWORD_RESET_REQUIRED, and a reset works', async () => {
    const bob = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
    const intruder = await signIn(app, bob, { userAgent: USER_AGENTS.safariOnIphone });
    await deliver();
    const [alert] = await catcher.waitFor(bob.email, 1, ALERT);
    const hashBefore = await app.sql('SELECT password_hash FROM users WHERE id = $1', [bob.id]);

    const reported = await app.gql(REPORT, { token: tokenOf(alert.link) });

    expect(reported.data).toEqual({ reportUnrecognizedSignIn: true });
    expect(await whoAmI(app, bob.token)).toBeNull();
    expect(await whoAmI(app, intruder.token)).toBeNull();
    expect(await app.sql('SELECT password_hash FROM users WHERE id = $1', [bob.id])).toEqual(hashBefore);
    expect(await signInCode(bob.email, bob.password)).toBe('PASSWORD_RESET_REQUIRED');
    expect(await signInCode(bob.email, 'a wrong guess entirely')).toBe('UNAUTHENTICATED');

    const second = await app.gql(REPORT, { token: tokenOf(alert.link) });
    expect(second.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    await deliver();
    const [reset] = await catcher.waitFor(bob.email, 1, RESET);
    expect(catcher.to(bob.email, RESET)).toHaveLength(1);
    const newPassword = 'my own new passphrase';
    const response = await app.gql(RESET_PASSWORD, { input: { token: tokenOf(reset.link), newPassword } });
    expect(response.errors).toBeUndefined();
    expect(await signInCode(bob.email, newPassword)).toBeNull();
  });
});
