import { createUser, uniqueEmail } from '../../support/factories.js';
import { useTestApp } from '../../support/test-app.js';

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }';
const CHANGE_PASSWORD =
  'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { signedOutCount } }';

describe('weak passwords', () => {
  const app = useTestApp();

  it.each([
    ['password', /most common passwords/],
    ['Password', /most common passwords/],
    ['12345678', /most common passwords/],
    ['        ', /only spaces/],
  ])('refuses to sign up with %j, saying why, and creates no account', async (password, why) => {
    const email = uniqueEmail();

    const response = await app.gql(SIGN_UP, { input: { email, password } });

    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = response.errors?.[0]?.extensions?.fields as Record<string, string[]>;
    expect(fields.password).toEqual([expect.stringMatching(why)]);
    expect(await app.sql('SELECT id FROM users WHERE email = $1', [email])).toEqual([]);
  });

  it('refuses a common new password in changePassword and keeps the old one', async () => {
    const alice = await createUser(app);

    const response = await app.gql(
      CHANGE_PASSWORD,
      { input: { currentPassword: alice.password, newPassword: 'qwertyuiop' } },
      { token: alice.token },
    );

    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { newPassword: [expect.stringMatching(/most common passwords/)] },
    });
    const signIn = await app.gql('mutation($input: SignInInput!) { signIn(input: $input) { token } }', {
      input: { email: alice.email, password: alice.password },
    });
    expect(signIn.errors).toBeUndefined();
  });

  it('still accepts a long passphrase that is on no list', async () => {
    const response = await app.gql(SIGN_UP, {
      input: { email: uniqueEmail(), password: 'plum kettle orbit seventeen' },
    });

    expect(response.errors).toBeUndefined();
  });
});
