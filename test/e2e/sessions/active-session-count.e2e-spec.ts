import { addSessions, createUser, signIn } from '../../support/factories.js';
import { useTestApp } from '../../support/test-app.js';

const isCount = (text: string) => /count\(/i.test(text) && /\bsessions\b/.test(text);

describe('activeSessionCount', () => {
  const app = useTestApp();

  it('counts active sessions only, however many other users and expired rows the table holds', async () => {
    const alice = await createUser(app);
    await addSessions(app, alice, 4);
    await addSessions(app, alice, 3, { expired: true });
    const bob = await createUser(app);
    await addSessions(app, bob, 50);

    const response = await app.gql('{ me { activeSessionCount } }', {}, { token: alice.token });

    expect(response.data).toEqual({ me: { activeSessionCount: 5 } });
  });

  it('answers every User of one response that asks for its count with one statement', async () => {
    const alice = await createUser(app);
    await addSessions(app, alice, 2);

    let data: unknown;
    const statements = await app.statementsDuring(async () => {
      const response = await app.gql(
        '{ first: me { activeSessionCount } second: me { id activeSessionCount } }',
        {},
        { token: alice.token },
      );
      data = response.data;
    });

    expect(data).toEqual({
      first: { activeSessionCount: 3 },
      second: { id: alice.id, activeSessionCount: 3 },
    });
    expect(statements.filter(({ text }) => isCount(text))).toHaveLength(1);
  });

  it('shows each mutation of a request the count after its own write, not one read before it', async () => {
    const alice = await createUser(app);
    await signIn(app, alice);

    const response = await app.gql<{
      signIn: { user: { activeSessionCount: number } };
      signOutOtherSessions: { signedOutCount: number; user: { activeSessionCount: number } };
    }>(
      `mutation Both($input: SignInInput!) {
        signIn(input: $input) { user { activeSessionCount } }
        signOutOtherSessions { signedOutCount user { activeSessionCount } }
      }`,
      { input: { email: alice.email, password: alice.password } },
    );

    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      signIn: { user: { activeSessionCount: 3 } },
      signOutOtherSessions: { signedOutCount: 2, user: { activeSessionCount: 1 } },
    });
  });

  it('resolves a session and its user in one statement: `me { id }` costs one round trip, the count one more', async () => {
    const alice = await createUser(app);

    const meOnly = await app.statementsDuring(() => app.gql('{ me { id } }', {}, { token: alice.token }));
    const withCount = await app.statementsDuring(() =>
      app.gql('{ me { id activeSessionCount } }', {}, { token: alice.token }),
    );

    // Just signed in, so no touch is due (SESSION_TOUCH_INTERVAL_SECONDS): reads only.
    expect(meOnly.map(({ text }) => text)).toEqual([expect.stringMatching(/FROM sessions s JOIN users u/)]);
    expect(withCount).toHaveLength(2);
  });
});
