import { createHash } from 'node:crypto';

import { createUser, signIn, uniqueEmail, whoAmI } from '../../support/factories.js';
import { useTestApp, withoutRequestIds } from '../../support/test-app.js';

const SIGN_UP = 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token user { id email } } }';
const SIGN_IN = 'mutation SignIn($input: SignInInput!) { signIn(input: $input) { token user { id } } }';

describe('sign-up and sign-in', () => {
  const app = useTestApp();

  const userCount = async (): Promise<number> =>
    Number((await app.sql<{ count: string }>('SELECT count(*) FROM users'))[0].count);
  const sessionCount = async (): Promise<number> =>
    Number((await app.sql<{ count: string }>('SELECT count(*) FROM sessions'))[0].count);

  it('signs a new account up and in: the payload counts its first session', async () => {
    const email = uniqueEmail();
    const response = await app.gql(
      `mutation SignUp($input: SignUpInput!) {
        signUp(input: $input) { token user { id email createdAt activeSessionCount } session { id current expiresAt } }
      }`,
      { input: { email, password: 'long enough password' } },
    );

    expect(response.errors).toBeUndefined();
    const payload = (response.data as { signUp: Record<string, Record<string, unknown>> }).signUp;
    expect(payload.user).toMatchObject({ email, activeSessionCount: 1 });
    expect(new Date(payload.user.createdAt as string).getTime()).not.toBeNaN();
    expect(payload.session.current).toBe(true);
    expect(payload.token).toMatch(new RegExp(`^${payload.session.id as string}\\.[A-Za-z0-9_-]{43}$`));
    expect(await whoAmI(app, payload.token as unknown as string)).toEqual({
      id: payload.user.id,
      activeSessionCount: 1,
    });
  });

  it('normalises the email: trimmed, lower-cased, and unique whatever its case', async () => {
    const email = uniqueEmail();
    const user = await createUser(app, { email: `  ${email.toUpperCase()} ` });
    expect(user.email).toBe(email);

    const before = await userCount();
    const again = await app.gql(SIGN_UP, {
      input: { email: email.toUpperCase(), password: 'another password' },
    });

    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { email: [expect.stringMatching(/already exists/)] },
    });
    expect(await userCount()).toBe(before);
    const signedIn = await app.gql(SIGN_IN, {
      input: { email: ` ${email.toUpperCase()}`, password: user.password },
    });
    expect(signedIn.data).toMatchObject({ signIn: { user: { id: user.id } } });
  });

  it.each([
    ['an invalid email', { email: 'not-an-email', password: 'long enough password' }, ['email']],
    [
      'an email with a null byte',
      { email: 'a\u0000b@example.com', password: 'long enough password' },
      ['email'],
    ],
    [
      'an email over 254 characters',
      { email: `${'a'.repeat(250)}@example.com`, password: 'long enough password' },
      ['email'],
    ],
    ['a password under 8 characters', { email: uniqueEmail(), password: 'short' }, ['password']],
    ['a password over 128 characters', { email: uniqueEmail(), password: 'x'.repeat(129) }, ['password']],
    ['both fields wrong', { email: '', password: '' }, ['email', 'password']],
  ])(
    'refuses sign-up with %s as BAD_USER_INPUT naming the fields, and writes nothing',
    async (_case, input, fields) => {
      const [users, sessions] = [await userCount(), await sessionCount()];

      const response = await app.gql(SIGN_UP, { input });

      expect(response.errors).toHaveLength(1);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(Object.keys(response.errors?.[0]?.extensions?.fields as object).sort()).toEqual(fields);
      expect(response.data).toBeNull();
      expect([await userCount(), await sessionCount()]).toEqual([users, sessions]);
    },
  );

  it('accepts passwords of exactly 8 and exactly 128 characters', async () => {
    // Neither repeats one character: that is refused as easy to guess (weak-passwords).
    await expect(createUser(app, { password: 'Xq7#mVp2' })).resolves.toBeDefined();
    await expect(createUser(app, { password: 'Xq7#mVp2'.repeat(16) })).resolves.toBeDefined();
  });

  it('refuses a variable of the wrong type before any resolver runs', async () => {
    const users = await userCount();

    const response = await app.gql(SIGN_UP, { input: { email: 42, password: ['x'] } });

    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await userCount()).toBe(users);
  });

  it('answers a wrong password and an unknown email with the same UNAUTHENTICATED error', async () => {
    const user = await createUser(app);
    const sessions = await sessionCount();

    const wrongPassword = await app.gql(SIGN_IN, {
      input: { email: user.email, password: 'not the password' },
    });
    const unknownEmail = await app.gql(SIGN_IN, { input: { email: uniqueEmail(), password: user.password } });

    expect(wrongPassword.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(withoutRequestIds(unknownEmail.errors)).toEqual(withoutRequestIds(wrongPassword.errors));
    expect(await sessionCount()).toBe(sessions);
  });

  it('starts a separate session on every sign-in', async () => {
    const user = await createUser(app);
    const second = await signIn(app, user);

    expect(second.token).not.toBe(user.token);
    expect(await whoAmI(app, second.token)).toEqual({ id: user.id, activeSessionCount: 2 });
  });

  it('stores neither the password nor the token in clear', async () => {
    const password = 'a very particular password';
    const user = await createUser(app, { password });
    // Tokens are `<session id>.<secret>`; the secret is hashed as the base64url text the client holds.
    const [sessionId, secret] = user.token.split('.');

    const [row] = await app.sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [
      user.id,
    ]);
    const [session] = await app.sql<{ secret_hash: Buffer; as_text: string }>(
      'SELECT secret_hash, row_to_json(s)::text AS as_text FROM sessions s WHERE id = $1',
      [sessionId],
    );

    expect(row.password_hash).toMatch(
      /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
    );
    expect(row.password_hash).not.toContain(password);
    expect(row.password_hash).not.toContain(Buffer.from(password).toString('base64').replace(/=+$/, ''));
    // Exactly SHA-256 of the secret: neither the secret itself (raw bytes would be 32 bytes too) nor anything else.
    expect(session.secret_hash).toEqual(createHash('sha256').update(secret, 'utf8').digest());
    expect(session.secret_hash).not.toEqual(Buffer.from(secret, 'base64url'));
    expect(session.as_text).not.toContain(secret);
    expect(session.as_text).not.toContain(Buffer.from(secret, 'base64url').toString('hex'));
  });
});
