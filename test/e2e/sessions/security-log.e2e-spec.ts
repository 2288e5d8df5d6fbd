import { createUser, signIn, USER_AGENTS } from '../../support/factories.js';
import { securityEventRowsOf, sessionIdOf, sessionRowsOf } from '../../support/session-rows.js';
import { type TestApp, useTestApp } from '../../support/test-app.js';

const EVENTS = `query Events($first: Int, $after: String) {
  me { securityEvents(first: $first, after: $after) {
    edges { cursor node { id type occurredAt ipAddress browser os sessionId actorSessionId endedSessionCount signInMethod } }
    pageInfo { hasNextPage endCursor }
  } }
}`;

interface EventNode {
  id: string;
  type: string;
  occurredAt: string;
  ipAddress: string | null;
  browser: string | null;
  os: string | null;
  sessionId: string | null;
  actorSessionId: string | null;
  signInMethod: string | null;
  endedSessionCount: number | null;
}
interface EventPage {
  edges: Array<{ cursor: string; node: EventNode }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function eventsPage(app: TestApp, token: string, variables: { first?: number; after?: string } = {}) {
  const response = await app.gql<{ me: { securityEvents: EventPage } }>(EVENTS, variables, { token });
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!.me.securityEvents;
}

describe('the security log', () => {
  const app = useTestApp();

  it('records every change once, newest first, with who did it from where', async () => {
    const alice = await createUser(app, { userAgent: USER_AGENTS.chromeOnMac });
    const laptop = sessionIdOf(alice.token);
    const phone = await signIn(app, alice, { userAgent: USER_AGENTS.safariOnIphone });
    const tablet = await signIn(app, alice);
    await app.gql('mutation($input: SignInInput!) { signIn(input: $input) { token } }', {
      input: { email: alice.email, password: 'wrong' },
    });
    await app.gql(
      'mutation($id: ID!) { revokeSession(id: $id) { revokedSessionId } }',
      { id: tablet.sessionId },
      {
        token: alice.token,
      },
    );
    await app.gql('mutation { signOut }', {}, { token: phone.token });
    await signIn(app, alice);
    await app.gql(
      'mutation($input: ReauthenticateInput!) { reauthenticate(input: $input) { session { id } } }',
      {
        input: { password: 'wrong' },
      },
      { token: alice.token },
    );
    await app.gql(
      'mutation($input: ReauthenticateInput!) { reauthenticate(input: $input) { session { id } } }',
      {
        input: { password: alice.password },
      },
      { token: alice.token },
    );
    await app.gql('mutation { signOutOtherSessions { signedOutCount } }', {}, { token: alice.token });
    await app.gql(
      'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { signedOutCount } }',
      { input: { currentPassword: alice.password, newPassword: 'another long passphrase' } },
      { token: alice.token },
    );

    const page = await eventsPage(app, alice.token, { first: 100 });

    const types = page.edges.map((edge) => edge.node.type);
    // The two sign-ins from browsers the account had not used also mailed an
    // alert (test/e2e/email/new-device-alert.e2e-spec.ts), recorded in their
    // transaction after the sign-in: listed just above it, every time.
    expect(types).toEqual([
      'PASSWORD_CHANGED',
      'OTHER_SESSIONS_SIGNED_OUT',
      'REAUTHENTICATED',
      'REAUTHENTICATION_FAILED',
      'SIGNED_IN',
      'SIGNED_OUT',
      'SESSION_REVOKED',
      'SIGN_IN_FAILED',
      'NEW_DEVICE_ALERT_SENT',
      'SIGNED_IN',
      'NEW_DEVICE_ALERT_SENT',
      'SIGNED_IN',
      'SIGNED_UP',
    ]);
    const byType = (type: string) => page.edges.map((edge) => edge.node).filter((node) => node.type === type);
    expect(byType('SIGNED_UP')[0]).toMatchObject({
      sessionId: laptop,
      actorSessionId: null,
      ipAddress: '127.0.0.1',
      browser: 'Chrome 131',
      os: 'macOS',
      signInMethod: 'PASSWORD',
    });
    expect(byType('SIGNED_IN').at(-1)).toMatchObject({
      sessionId: phone.sessionId,
      browser: 'Mobile Safari 18',
      os: 'iOS',
      signInMethod: 'PASSWORD',
    });
    // Only the events of a new session say how it began.
    expect(byType('SESSION_REVOKED')[0]?.signInMethod).toBeNull();
    expect(byType('SESSION_REVOKED')[0]).toMatchObject({
      sessionId: tablet.sessionId,
      actorSessionId: laptop,
    });
    expect(byType('SIGNED_OUT')[0]).toMatchObject({
      sessionId: phone.sessionId,
      actorSessionId: phone.sessionId,
    });
    expect(byType('OTHER_SESSIONS_SIGNED_OUT')[0]).toMatchObject({
      actorSessionId: laptop,
      endedSessionCount: 1,
    });
    expect(byType('PASSWORD_CHANGED')[0]).toMatchObject({ actorSessionId: laptop, endedSessionCount: 0 });
    expect(byType('SIGN_IN_FAILED')[0]).toMatchObject({ sessionId: null, actorSessionId: null });
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: page.edges.at(-1)!.cursor });
    // The stored rows agree: nothing more was written than the log shows.
    expect(await securityEventRowsOf(app, alice.id)).toHaveLength(13);
  });

  it('records nothing, on any account, for a sign-in with an unknown email', async () => {
    const [{ count: before }] = await app.sql<{ count: string }>('SELECT count(*) FROM security_events');

    const response = await app.gql('mutation($input: SignInInput!) { signIn(input: $input) { token } }', {
      input: { email: 'nobody-here@example.com', password: 'whatever it is' },
    });

    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const [{ count: after }] = await app.sql<{ count: string }>('SELECT count(*) FROM security_events');
    expect(after).toBe(before);
  });

  it('pages newest first by cursor, stable while new events arrive', async () => {
    const alice = await createUser(app);
    for (let i = 0; i < 6; i += 1) await signIn(app, alice);
    const all = (await eventsPage(app, alice.token, { first: 100 })).edges.map((edge) => edge.node.id);
    expect(all).toHaveLength(7);

    const first = await eventsPage(app, alice.token, { first: 3 });
    // New activity between two pages lands before the first page, never inside the next ones.
    await signIn(app, alice);
    await signIn(app, alice);
    const second = await eventsPage(app, alice.token, { first: 3, after: first.pageInfo.endCursor! });
    const third = await eventsPage(app, alice.token, { first: 3, after: second.pageInfo.endCursor! });

    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(second.pageInfo.hasNextPage).toBe(true);
    expect(third.pageInfo).toEqual({ hasNextPage: false, endCursor: third.edges.at(-1)!.cursor });
    expect([...first.edges, ...second.edges, ...third.edges].map((edge) => edge.node.id)).toEqual(all);
  });

  it('refuses a page size outside 1 to 100 and a cursor it never issued, naming the argument', async () => {
    const alice = await createUser(app);
    for (const [variables, field] of [
      [{ first: 0 }, 'first'],
      [{ first: 101 }, 'first'],
      [{ first: 5, after: 'bm90IGEgY3Vyc29y' }, 'after'],
    ] as const) {
      const response = await app.gql(EVENTS, variables, { token: alice.token });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(Object.keys(response.errors?.[0]?.extensions?.fields as object)).toEqual([field]);
      expect(response.data).toEqual({ me: null });
    }
  });

  it("never shows another user's events, even given that user's cursor", async () => {
    const alice = await createUser(app);
    const bob = await createUser(app);
    await signIn(app, bob);
    await signIn(app, bob);
    const bobsFirst = await eventsPage(app, bob.token, { first: 1 });

    const aliceWithBobsCursor = await eventsPage(app, alice.token, {
      first: 100,
      after: bobsFirst.pageInfo.endCursor!,
    });
    const alicesOwn = await eventsPage(app, alice.token, { first: 100 });
    const signedOut = await app.gql(EVENTS, { first: 5 });

    const bobsIds = new Set((await securityEventRowsOf(app, bob.id)).map((row) => row.id));
    for (const edge of [...aliceWithBobsCursor.edges, ...alicesOwn.edges])
      expect(bobsIds.has(edge.node.id)).toBe(false);
    expect(alicesOwn.edges.map((edge) => edge.node.type)).toEqual(['SIGNED_UP']);
    expect(signedOut.data).toEqual({ me: null });
  });
});

/**
 * A change and its event commit together: a failure injected after the change
 * (a trigger refusing the event's row) rolls the change back too.
 */
describe('the security log and the change it records', () => {
  const app = useTestApp();

  async function refuseEvents(type: string): Promise<void> {
    await app.sql(`CREATE OR REPLACE FUNCTION test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = TG_ARGV[0] THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$`);
    await app.sql('DROP TRIGGER IF EXISTS test_refuse_event ON security_events');
    await app.sql(
      `CREATE TRIGGER test_refuse_event BEFORE INSERT ON security_events
       FOR EACH ROW EXECUTE FUNCTION test_refuse_event('${type}')`,
    );
  }

  afterEach(async () => {
    await app.sql('DROP TRIGGER IF EXISTS test_refuse_event ON security_events');
  });

  it.each([
    ['OTHER_SESSIONS_SIGNED_OUT', 'mutation { signOutOtherSessions { signedOutCount } }', () => ({})],
    ['SIGNED_OUT', 'mutation { signOut }', () => ({})],
    [
      'PASSWORD_CHANGED',
      'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { signedOutCount } }',
      (password: string) => ({
        input: { currentPassword: password, newPassword: 'another long passphrase' },
      }),
    ],
    [
      'REAUTHENTICATED',
      'mutation($input: ReauthenticateInput!) { reauthenticate(input: $input) { session { id } } }',
      (password: string) => ({ input: { password } }),
    ],
  ])('rolls back the change when its %s event cannot be written', async (type, mutation, variables) => {
    const alice = await createUser(app);
    await signIn(app, alice);
    const [{ hash: hashBefore }] = await app.sql<{ hash: string }>(
      'SELECT password_hash AS hash FROM users WHERE id = $1',
      [alice.id],
    );
    const sessionsBefore = await sessionRowsOf(app, [alice.id]);
    const eventsBefore = await securityEventRowsOf(app, alice.id);
    await refuseEvents(type);

    const response = await app.gql(mutation, variables(alice.password), { token: alice.token });

    expect(response.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(await sessionRowsOf(app, [alice.id])).toEqual(sessionsBefore);
    expect(await securityEventRowsOf(app, alice.id)).toEqual(eventsBefore);
    const [{ hash }] = await app.sql<{ hash: string }>(
      'SELECT password_hash AS hash FROM users WHERE id = $1',
      [alice.id],
    );
    expect(hash).toBe(hashBefore);
  });

  it('rolls back a revokeSession, a sign-in and a sign-up whose event cannot be written', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);
    const before = await sessionRowsOf(app, [alice.id]);

    await refuseEvents('SESSION_REVOKED');
    const revoke = await app.gql(
      'mutation($id: ID!) { revokeSession(id: $id) { revokedSessionId } }',
      {
        id: phone.sessionId,
      },
      { token: alice.token },
    );
    await refuseEvents('SIGNED_IN');
    const signInResponse = await app.gql(
      'mutation($input: SignInInput!) { signIn(input: $input) { token } }',
      {
        input: { email: alice.email, password: alice.password },
      },
    );
    await refuseEvents('SIGNED_UP');
    const email = `rolled-back-${Date.now()}@example.com`;
    const signUp = await app.gql('mutation($input: SignUpInput!) { signUp(input: $input) { token } }', {
      input: { email, password: 'a long enough passphrase' },
    });

    for (const response of [revoke, signInResponse, signUp]) {
      expect(response.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    }
    expect(await sessionRowsOf(app, [alice.id])).toEqual(before);
    expect(await app.sql('SELECT id FROM users WHERE email = $1', [email])).toEqual([]);
  });

  it('is append-only: an UPDATE of an event is refused by the database', async () => {
    const alice = await createUser(app);

    await expect(
      app.sql("UPDATE security_events SET type = 'SIGNED_IN' WHERE user_id = $1", [alice.id]),
    ).rejects.toThrow(/append-only/);
  });
});
