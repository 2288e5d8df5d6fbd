import { addSessions, createUser, signIn } from '../../support/factories.js';
import { ageSessions, sessionIdOf } from '../../support/session-rows.js';
import { type GraphqlResponse, useTestApp } from '../../support/test-app.js';

const isListRead = (text: string) => /^SELECT s\.id, s\.user_id/.test(text) && /ORDER BY/.test(text);

describe('SESSIONS_PER_USER_MAX', () => {
  const app = useTestApp({ SESSIONS_PER_USER_MAX: '3' });

  it('ends the least recently active sessions when a sign-in goes past the limit, keeping the new one', async () => {
    const alice = await createUser(app);
    const laptop = await signIn(app, alice);
    const phone = await signIn(app, alice);
    // The first session was used least recently, then the laptop; the phone just now.
    await ageSessions(app, [sessionIdOf(alice.token)], 3 * 60);
    await ageSessions(app, [laptop.sessionId], 2 * 60);

    const tablet = await signIn(app, alice);

    const active = await app.sql<{ id: string }>(
      'SELECT id FROM sessions WHERE user_id = $1 AND expires_at > now() ORDER BY id',
      [alice.id],
    );
    expect(active.map(({ id }) => id).sort()).toEqual(
      [laptop.sessionId, phone.sessionId, tablet.sessionId].sort(),
    );
    const ended = await app.gql('{ me { id } }', {}, { token: alice.token });
    expect(ended.data).toEqual({ me: null });
  });

  it('brings an account already past the limit back to it on its next sign-in', async () => {
    const bob = await createUser(app);
    await addSessions(app, bob, 40);

    const fresh = await signIn(app, bob);

    const [{ count }] = await app.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1 AND expires_at > now()',
      [bob.id],
    );
    expect(count).toBe(3);
    expect((await app.gql('{ me { id } }', {}, { token: fresh.token })).data).toEqual({ me: { id: bob.id } });
  });

  it("never ends another user's sessions", async () => {
    const [carol, dave] = await Promise.all([createUser(app), createUser(app)]);
    await addSessions(app, dave, 2);

    for (let i = 0; i < 4; i++) await signIn(app, carol);

    const [{ count }] = await app.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1 AND expires_at > now()',
      [dave.id],
    );
    expect(count).toBe(3);
  });
});

describe('User.sessions asked for many times in one request', () => {
  const app = useTestApp();

  it('reads the list once, however many aliases ask for it', async () => {
    const erin = await createUser(app);
    await addSessions(app, erin, 5);

    let response: GraphqlResponse<{ me: Record<string, Array<{ id: string }>> }> | undefined;
    const statements = await app.statementsDuring(async () => {
      response = await app.gql<{ me: Record<string, Array<{ id: string }>> }>(
        '{ me { a: sessions { id } b: sessions { id } c: sessions { id current } } }',
        {},
        {
          token: erin.token,
        },
      );
    });

    expect(response?.errors).toBeUndefined();
    const me = response?.data?.me;
    expect(me?.a).toHaveLength(6);
    expect(me?.b).toEqual(me?.a);
    expect(statements.filter(({ text }) => isListRead(text))).toHaveLength(1);
  });
});

describe('the cost of lists in one request', () => {
  const app = useTestApp();
  const DEVICE_FIELDS = 'id createdAt lastActiveAt expiresAt ipAddress userAgent browser os current';

  it('refuses fifteen aliases of the full device list before reading anything: a list costs once per item', async () => {
    const frank = await createUser(app);
    const aliases = Array.from({ length: 15 }, (_, i) => `l${i}: sessions { ${DEVICE_FIELDS} }`).join(' ');

    let response: GraphqlResponse | undefined;
    const statements = await app.statementsDuring(async () => {
      response = await app.gql(`{ me { ${aliases} } }`, {}, { token: frank.token });
    });

    expect(response?.data).toBeUndefined();
    expect(response?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response?.errors?.[0]?.message).toMatch(/^Query cost \d+ exceeds the maximum of 5000/);
    expect(statements).toEqual([]);
  });

  it('answers what a device page asks for: the list with every field, and the count', async () => {
    const grace = await createUser(app);

    const response = await app.gql(
      `{ me { id activeSessionCount sessions { ${DEVICE_FIELDS} } } }`,
      {},
      {
        token: grace.token,
      },
    );

    expect(response.errors).toBeUndefined();
    expect(response.data).toMatchObject({ me: { id: grace.id, activeSessionCount: 1 } });
  });
});

describe('the cost of the device list with SESSIONS_PER_USER_MAX raised to 100,000', () => {
  const app = useTestApp({ SESSIONS_PER_USER_MAX: '100000' });
  const DEVICE_FIELDS = 'id createdAt lastActiveAt expiresAt ipAddress userAgent browser os current';

  it('answers `me { sessions { id } }`: the cap is no weight in the cost rule', async () => {
    const heidi = await createUser(app);

    const response = await app.gql<{ me: { sessions: Array<{ id: string }> } }>(
      '{ me { sessions { id } } }',
      {},
      { token: heidi.token },
    );

    expect(response.errors).toBeUndefined();
    expect(response.data?.me.sessions).toHaveLength(1);
  });

  it('answers the device page and still refuses fifteen aliases of the full list', async () => {
    const ivan = await createUser(app);
    const page = await app.gql(
      `{ me { id activeSessionCount sessions { ${DEVICE_FIELDS} } } }`,
      {},
      { token: ivan.token },
    );
    const aliases = Array.from({ length: 15 }, (_, i) => `l${i}: sessions { ${DEVICE_FIELDS} }`).join(' ');
    const flood = await app.gql(`{ me { ${aliases} } }`, {}, { token: ivan.token });

    expect(page.errors).toBeUndefined();
    expect(flood.data).toBeUndefined();
    expect(flood.errors?.[0]?.message).toMatch(/^Query cost \d+ exceeds the maximum of 5000/);
  });
});
