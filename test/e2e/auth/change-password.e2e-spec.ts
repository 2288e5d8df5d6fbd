import { createUser, signIn, type TestUser, whoAmI } from '../../support/factories.js';
import { sessionIdOf, sessionIdsOf } from '../../support/session-rows.js';
import { useTestApp, withoutRequestIds } from '../../support/test-app.js';

const CHANGE_PASSWORD = `mutation ChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) { signedOutCount user { id activeSessionCount } }
}`;
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { user { id } } }';
const NEW_PASSWORD = 'a brand new passphrase';

describe('changePassword', () => {
  const app = useTestApp();

  async function passwordHashOf(user: TestUser): Promise<string> {
    const [row] = await app.sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [
      user.id,
    ]);
    return row.password_hash;
  }

  async function signInCode(user: TestUser, password: string): Promise<string | null> {
    const response = await app.gql(SIGN_IN, { input: { email: user.email, password } });
    return response.errors ? String(response.errors[0].extensions?.code) : null;
  }

  it('replaces the password and, by default, ends every other session of the user, keeping the requesting one', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);
    const tablet = await signIn(app, alice);
    const bob = await createUser(app);
    const oldHash = await passwordHashOf(alice);

    const response = await app.gql(
      CHANGE_PASSWORD,
      { input: { currentPassword: alice.password, newPassword: NEW_PASSWORD } },
      { token: alice.token },
    );

    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      changePassword: { signedOutCount: 2, user: { id: alice.id, activeSessionCount: 1 } },
    });
    const newHash = await passwordHashOf(alice);
    expect(newHash).not.toBe(oldHash);
    expect(newHash).toMatch(/^\$argon2id\$/);
    expect(await sessionIdsOf(app, [alice.id])).toEqual([sessionIdOf(alice.token)]);
    expect(await whoAmI(app, alice.token)).toEqual({ id: alice.id, activeSessionCount: 1 });
    expect(await whoAmI(app, phone.token)).toBeNull();
    expect(await whoAmI(app, tablet.token)).toBeNull();
    expect(await whoAmI(app, bob.token)).toEqual({ id: bob.id, activeSessionCount: 1 });
    expect(await signInCode(alice, alice.password)).toBe('UNAUTHENTICATED');
    expect(await signInCode(alice, NEW_PASSWORD)).toBeNull();
  });

  it('keeps the other sessions when signOutOtherSessions is false', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);

    const response = await app.gql(
      CHANGE_PASSWORD,
      { input: { currentPassword: alice.password, newPassword: NEW_PASSWORD, signOutOtherSessions: false } },
      { token: alice.token },
    );

    expect(response.data).toEqual({
      changePassword: { signedOutCount: 0, user: { id: alice.id, activeSessionCount: 2 } },
    });
    expect(await whoAmI(app, phone.token)).toEqual({ id: alice.id, activeSessionCount: 2 });
    expect(await signInCode(alice, alice.password)).toBe('UNAUTHENTICATED');
    expect(await signInCode(alice, NEW_PASSWORD)).toBeNull();
  });

  it('reads signOutOtherSessions: null as the default, ending the other sessions', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);

    const response = await app.gql(
      CHANGE_PASSWORD,
      { input: { currentPassword: alice.password, newPassword: NEW_PASSWORD, signOutOtherSessions: null } },
      { token: alice.token },
    );

    expect(response.data).toEqual({
      changePassword: { signedOutCount: 1, user: { id: alice.id, activeSessionCount: 1 } },
    });
    expect(await whoAmI(app, phone.token)).toBeNull();
  });

  it('refuses a wrong current password with BAD_USER_INPUT on currentPassword, and changes nothing', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);
    const hash = await passwordHashOf(alice);

    const response = await app.gql(
      CHANGE_PASSWORD,
      { input: { currentPassword: 'not my password', newPassword: NEW_PASSWORD } },
      { token: alice.token },
    );

    expect(response.data).toBeNull();
    expect(withoutRequestIds(response.errors)?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: { currentPassword: ['Current password is incorrect.'] },
    });
    expect(await passwordHashOf(alice)).toBe(hash);
    expect(await whoAmI(app, phone.token)).toEqual({ id: alice.id, activeSessionCount: 2 });
    expect(await signInCode(alice, alice.password)).toBeNull();
  });

  it.each([
    ['too short', 'short'],
    ['too long', 'x'.repeat(129)],
  ])(
    'refuses a new password that is %s with BAD_USER_INPUT on newPassword, and changes nothing',
    async (_, newPassword) => {
      const alice = await createUser(app);
      const phone = await signIn(app, alice);
      const hash = await passwordHashOf(alice);

      const response = await app.gql(
        CHANGE_PASSWORD,
        { input: { currentPassword: alice.password, newPassword } },
        { token: alice.token },
      );

      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(Object.keys(response.errors?.[0]?.extensions?.fields as object)).toEqual(['newPassword']);
      expect(await passwordHashOf(alice)).toBe(hash);
      expect(await whoAmI(app, phone.token)).toEqual({ id: alice.id, activeSessionCount: 2 });
    },
  );

  it('answers UNAUTHENTICATED without a session, and changes nothing', async () => {
    const alice = await createUser(app);
    const hash = await passwordHashOf(alice);

    const response = await app.gql(CHANGE_PASSWORD, {
      input: { currentPassword: alice.password, newPassword: NEW_PASSWORD },
    });

    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await passwordHashOf(alice)).toBe(hash);
  });

  it('lets only one of two concurrent changes made with the same current password succeed', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);

    const responses = await Promise.all([
      app.gql(
        CHANGE_PASSWORD,
        // Other sessions kept: otherwise the winner could sign the loser out before it is even
        // authenticated, and the loser would be refused for that instead.
        {
          input: {
            currentPassword: alice.password,
            newPassword: 'first new passphrase',
            signOutOtherSessions: false,
          },
        },
        { token: alice.token },
      ),
      app.gql(
        CHANGE_PASSWORD,
        {
          input: {
            currentPassword: alice.password,
            newPassword: 'second new passphrase',
            signOutOtherSessions: false,
          },
        },
        { token: phone.token },
      ),
    ]);

    const succeeded = responses.filter((response) => !response.errors);
    const refused = responses.filter((response) => response.errors);
    expect(succeeded).toHaveLength(1);
    expect(refused.map((response) => response.errors?.[0]?.extensions?.fields)).toEqual([
      { currentPassword: ['Current password is incorrect.'] },
    ]);
    const winner = responses.indexOf(succeeded[0]) === 0 ? 'first new passphrase' : 'second new passphrase';
    expect(await signInCode(alice, winner)).toBeNull();
  });
  // That the change and the sign-out of the other sessions commit or roll back together is
  // checked below HTTP: test/integration/change-password.integration-spec.ts.
});
