import { addSessions, createUser, signIn, whoAmI } from '../../support/factories.js';
import { useTestApp } from '../../support/test-app.js';

const SIGN_OUT_OTHERS = 'mutation { signOutOtherSessions { signedOutCount user { id activeSessionCount } } }';

describe('signOutOtherSessions', () => {
  const app = useTestApp();

  it('ends every other device of the user, keeps the requesting one, and leaves other users alone', async () => {
    const alice = await createUser(app);
    const laptop = alice.token;
    const phone = (await signIn(app, alice)).token;
    const tablet = (await signIn(app, alice)).token;
    const bob = await createUser(app);
    const bobsPhone = (await signIn(app, bob)).token;

    expect(await whoAmI(app, laptop)).toEqual({ id: alice.id, activeSessionCount: 3 });

    const response = await app.gql(SIGN_OUT_OTHERS, {}, { token: laptop });

    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      signOutOtherSessions: { signedOutCount: 2, user: { id: alice.id, activeSessionCount: 1 } },
    });
    expect(await whoAmI(app, laptop)).toEqual({ id: alice.id, activeSessionCount: 1 });
    expect(await whoAmI(app, phone)).toBeNull();
    expect(await whoAmI(app, tablet)).toBeNull();
    expect(await whoAmI(app, bob.token)).toEqual({ id: bob.id, activeSessionCount: 2 });
    expect(await whoAmI(app, bobsPhone)).toEqual({ id: bob.id, activeSessionCount: 2 });
    const rows = await app.sql<{ user_id: string; count: string }>(
      'SELECT user_id, count(*) FROM sessions WHERE user_id = ANY($1) GROUP BY user_id',
      [[alice.id, bob.id]],
    );
    expect(Object.fromEntries(rows.map((row) => [row.user_id, Number(row.count)]))).toEqual({
      [alice.id]: 1,
      [bob.id]: 2,
    });
  });

  it('ends any number of other sessions with one DELETE and records it with one event', async () => {
    const statementsFor = async (otherSessions: number) => {
      const user = await createUser(app);
      await addSessions(app, user, otherSessions);
      let signedOutCount = -1;
      const statements = await app.statementsDuring(async () => {
        const response = await app.gql<{ signOutOtherSessions: { signedOutCount: number } }>(
          'mutation { signOutOtherSessions { signedOutCount } }',
          {},
          { token: user.token },
        );
        signedOutCount = response.data?.signOutOtherSessions.signedOutCount ?? -1;
      });
      const [{ count }] = await app.sql<{ count: string }>(
        'SELECT count(*) FROM sessions WHERE user_id = $1',
        [user.id],
      );
      return { signedOutCount, remaining: Number(count), statements: statements.map(({ text }) => text) };
    };

    const few = await statementsFor(10);
    const many = await statementsFor(1_000);

    expect(few).toMatchObject({ signedOutCount: 10, remaining: 1 });
    expect(many).toMatchObject({ signedOutCount: 1_000, remaining: 1 });
    // One statement ends the sessions (checking the sudo window in the same
    // statement), one records the event: never one event per ended session.
    const deletes = (statements: string[]) => statements.filter((text) => /DELETE FROM sessions/i.test(text));
    const events = (statements: string[]) =>
      statements.filter((text) => /INSERT INTO security_events/i.test(text));
    expect(deletes(few.statements)).toHaveLength(1);
    expect(deletes(many.statements)).toHaveLength(1);
    expect(events(few.statements)).toHaveLength(1);
    expect(events(many.statements)).toHaveLength(1);
    expect(many.statements).toHaveLength(few.statements.length);
  });

  it('refuses the ended sessions at once: protected mutations answer UNAUTHENTICATED', async () => {
    const alice = await createUser(app);
    const phone = (await signIn(app, alice)).token;
    await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token });

    const fromPhone = await app.gql(SIGN_OUT_OTHERS, {}, { token: phone });

    expect(fromPhone.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(fromPhone.data).toBeNull();
    expect(await whoAmI(app, alice.token)).toEqual({ id: alice.id, activeSessionCount: 1 });
  });

  it('reports zero when the requesting session is the only one', async () => {
    const alice = await createUser(app);

    const response = await app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token });

    expect(response.data).toEqual({
      signOutOtherSessions: { signedOutCount: 0, user: { id: alice.id, activeSessionCount: 1 } },
    });
  });

  it('answers UNAUTHENTICATED without a session and deletes nothing', async () => {
    const alice = await createUser(app);
    await signIn(app, alice);

    const response = await app.gql(SIGN_OUT_OTHERS);

    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await whoAmI(app, alice.token)).toEqual({ id: alice.id, activeSessionCount: 2 });
  });

  it('takes no session id from the client: an argument naming another session is rejected', async () => {
    const alice = await createUser(app);
    const bob = await createUser(app);
    const [bobsSession] = await app.sql<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [
      bob.id,
    ]);

    const response = await app.gql(
      `mutation { signOutOtherSessions(sessionId: "${bobsSession.id}") { signedOutCount } }`,
      {},
      { token: alice.token },
    );

    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await whoAmI(app, bob.token)).toEqual({ id: bob.id, activeSessionCount: 1 });
  });

  it('runs alongside new sign-ins of the same user without error, never ends the requesting session, and counts exactly the tokens that still work', async () => {
    const alice = await createUser(app);
    await signIn(app, alice);

    // Several rounds, so the sign-ins land before, during and after the deletes.
    for (let round = 0; round < 3; round++) {
      const [signOuts, signIns] = await Promise.all([
        Promise.all([
          app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token }),
          app.gql(SIGN_OUT_OTHERS, {}, { token: alice.token }),
        ]),
        Promise.all(Array.from({ length: 5 }, () => signIn(app, alice))),
      ]);

      expect(signOuts.map((response) => response.errors)).toEqual([undefined, undefined]);
      const tokens = [alice.token, ...signIns.map((session) => session.token)];
      const answers = await Promise.all(tokens.map((token) => whoAmI(app, token)));
      const working = answers.filter((answer) => answer !== null);
      expect(answers[0]).not.toBeNull();
      expect(answers[0]?.activeSessionCount).toBe(working.length);
      const [row] = await app.sql<{ count: string }>('SELECT count(*) FROM sessions WHERE user_id = $1', [
        alice.id,
      ]);
      expect(Number(row.count)).toBe(working.length);
    }
  });
});
