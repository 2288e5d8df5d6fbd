import { createUser, signIn } from '../../support/factories.js';
import { CURRENT_SESSION_ENDED, LiveClient, untilSubscribed } from '../../support/live-client.js';
import { TestApp } from '../../support/test-app.js';

/**
 * Two instances on one database: a socket opened on B hears of an ending
 * made on A (LISTEN/NOTIFY), gets `currentSessionEnded`, then is closed 4403.
 */
describe('currentSessionEnded across instances', () => {
  let a: TestApp;
  let b: TestApp;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    a = await TestApp.create();
    b = await TestApp.create({}, { shareDatabaseOf: a });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await b.close();
    await a.close();
  });

  function open(app: TestApp, token: string): LiveClient {
    const client = new LiveClient(app, { token });
    clients.push(client);
    return client;
  }

  it('tells a phone subscribed on B that the laptop revoked it on A, then closes its socket with 4403', async () => {
    const alice = await createUser(a);
    const phone = await signIn(a, alice);
    const socket = open(b, phone.token);
    const ended = socket.subscribe<{ currentSessionEnded: { sessionId: string; reason: string } }>(
      CURRENT_SESSION_ENDED,
    );
    await untilSubscribed(b, phone.sessionId);

    const start = performance.now();
    const revoked = await a.gql(
      'mutation ($id: ID!) { revokeSession(id: $id) { revokedSessionId } }',
      { id: phone.sessionId },
      { token: alice.token },
    );
    expect(revoked.errors).toBeUndefined();

    expect(await ended.atLeast(1)).toEqual([
      { currentSessionEnded: { sessionId: phone.sessionId, reason: 'REVOKED' } },
    ]);
    expect(await socket.closed).toEqual({ code: 4403, reason: 'Session ended' });
    console.log(`revoke on A → 4403 on B: ${(performance.now() - start).toFixed(1)} ms`);
  });
});
