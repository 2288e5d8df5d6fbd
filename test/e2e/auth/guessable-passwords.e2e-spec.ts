import { PasswordResetService } from '../../../src/auth/password-reset.service.js';
import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser } from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { TestApp } from '../../support/test-app.js';

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }';
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { user { id } } }';
const CHANGE_PASSWORD =
  'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { signedOutCount } }';
const REQUEST_RESET = 'mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) }';
const RESET_PASSWORD = 'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token } }';

type Fields = Record<string, string[]>;

describe('passwords an attacker guesses early (NIST SP 800-63B: variants, repeats, sequences, context words)', () => {
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

  function emailOf(local: string): string {
    return `${local}.${Math.random().toString(36).slice(2, 8)}@example.com`;
  }

  it.each([
    ['aaaaaaaa', /Repeated characters/],
    ['abcdefgh', /sequences like "abc"/],
    ['Passw0rd!', /similar to a commonly used password/],
    ['Summer2024', /common words and patterns/],
    ['sessions2024', /this service's name/],
  ])('refuses to sign up with %j, saying why, and creates no account', async (password, why) => {
    const email = emailOf('someone');

    const response = await app.gql(SIGN_UP, { input: { email, password } });

    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = response.errors?.[0]?.extensions?.fields as Fields;
    expect(fields).toEqual({ password: [expect.stringMatching(why)] });
    expect(fields.password[0]).toMatch(/a few unrelated words/);
    expect(await app.sql('SELECT id FROM users WHERE email = $1', [email])).toEqual([]);
  });

  it("refuses to sign up with a password made of the email's local part", async () => {
    const email = emailOf('margaret');

    const response = await app.gql(SIGN_UP, { input: { email, password: `${email.split('@')[0]}!` } });

    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { password: [expect.stringMatching(/your email address/)] },
    });
    expect(await app.sql('SELECT id FROM users WHERE email = $1', [email])).toEqual([]);
  });

  it("refuses a new password made of the account's address in changePassword, and keeps the old one", async () => {
    const alice = await createUser(app, { email: emailOf('alice') });
    const hashBefore = await app.sql('SELECT password_hash FROM users WHERE id = $1', [alice.id]);

    const response = await app.gql(
      CHANGE_PASSWORD,
      { input: { currentPassword: alice.password, newPassword: `${alice.email.split('@')[0]}1` } },
      { token: alice.token },
    );

    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { newPassword: [expect.stringMatching(/your email address/)] },
    });
    expect(await app.sql('SELECT password_hash FROM users WHERE id = $1', [alice.id])).toEqual(hashBefore);
  });

  it('refuses a weak new password in resetPassword, and the link still works for a strong one', async () => {
    const bob = await createUser(app, { email: emailOf('bob') });
    await app.gql(REQUEST_RESET, { input: { email: bob.email } });
    await app.get(PasswordResetService).settled();
    await app.get(MailDeliveryJob).run();
    const [mail] = await catcher.waitFor(bob.email, 1, 'Reset your password');
    const token = new URL(mail.link ?? '').searchParams.get('token') ?? '';

    const weak = await app.gql(RESET_PASSWORD, { input: { token, newPassword: 'Summer2024' } });
    const fromAddress = await app.gql(RESET_PASSWORD, {
      input: { token, newPassword: `${bob.email.split('@')[0]}!!` },
    });

    expect(weak.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { newPassword: [expect.stringMatching(/too easy to guess/)] },
    });
    expect(fromAddress.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { newPassword: [expect.stringMatching(/your email address/)] },
    });
    const strong = await app.gql(RESET_PASSWORD, {
      input: { token, newPassword: 'quiet fox under copper rain' },
    });
    expect(strong.errors).toBeUndefined();
    const signIn = await app.gql(SIGN_IN, {
      input: { email: bob.email, password: 'quiet fox under copper rain' },
    });
    expect(signIn.errors).toBeUndefined();
  });
});
