import { expect } from '@jest/globals';

import { createUser, signIn } from '../../support/factories.js';
import {
  ACCOUNT_SESSIONS_CHANGED,
  CURRENT_SESSION_ENDED,
  LiveClient,
  untilSubscribed,
  upgradeStatus,
} from '../../support/live-client.js';
import { ageSessions, sessionIdOf } from '../../support/session-rows.js';
import { useTestApp } from '../../support/test-app.js';

const ALLOWED_ORIGIN = 'https://app.example.com';

/** Who may open a socket, from where, and what a socket whose session ended may still do. */
describe('opening a live connection', () => {
  const app = useTestApp({ CORS_ORIGINS: ALLOWED_ORIGIN });
  const clients: LiveClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
  });

  function open(options: ConstructorParameters<typeof LiveClient>[1]): LiveClient {
    const client = new LiveClient(app, options);
    clients.push(client);
    return client;
  }

  it('closes with 4401 a connection without a session, with a made-up token, or with a revoked one', async () => {
    const alice = await createUser(app);
    const { token: revoked } = await signIn(app, alice);
    expect((await app.gql('mutation { signOut }', {}, { token: revoked })).data).toEqual({ signOut: true });

    expect(await open({}).closed).toEqual({ code: 4401, reason: 'Unauthenticated' });
    expect(await open({ token: `${sessionIdOf(alice.token)}.not-the-secret` }).closed).toEqual({
      code: 4401,
      reason: 'Unauthenticated',
    });
    expect(await open({ token: revoked }).closed).toEqual({ code: 4401, reason: 'Unauthenticated' });
    expect(await open({ cookie: revoked }).closed).toEqual({ code: 4401, reason: 'Unauthenticated' });
  });

  it('accepts the session cookie of the upgrade request, as a browser sends it', async () => {
    const alice = await createUser(app);
    const socket = open({ cookie: alice.token, origin: ALLOWED_ORIGIN });
    await socket.connected;
    socket.subscribe(CURRENT_SESSION_ENDED);

    await untilSubscribed(app, sessionIdOf(alice.token));
  });

  it('closes with 4400 a connection whose bearer token and cookie name different sessions', async () => {
    const alice = await createUser(app);
    const bob = await createUser(app);

    expect(await open({ token: alice.token, cookie: bob.token }).closed).toMatchObject({ code: 4400 });
  });

  it('refuses the handshake of a page on another site, even with the user’s cookie', async () => {
    const alice = await createUser(app);
    const cookie = `session=${alice.token}`;

    expect(await upgradeStatus(app, { cookie, origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(app, { cookie, origin: 'null' })).toBe(403);
    expect(await upgradeStatus(app, { cookie, 'sec-fetch-site': 'cross-site' })).toBe(403);
    // This service's own pages and the origins of CORS_ORIGINS are let through.
    expect(await upgradeStatus(app, { cookie, origin: new URL(app.url).origin })).toBe(101);
    expect(await upgradeStatus(app, { cookie, origin: ALLOWED_ORIGIN })).toBe(101);
    expect(await upgradeStatus(app, { cookie, origin: ALLOWED_ORIGIN }, '/elsewhere')).toBe(404);
  });

  it('refuses a new operation once the session expired, tells the socket EXPIRED and closes it', async () => {
    const alice = await createUser(app);
    const socket = open({ token: alice.token });
    const ended = socket.subscribe(CURRENT_SESSION_ENDED);
    await untilSubscribed(app, sessionIdOf(alice.token));
    // 31 days later, by the database's clock; this instance's timer is set for the original expiry.
    await ageSessions(app, [sessionIdOf(alice.token)], 31 * 24 * 60 * 60);

    const late = socket.subscribe(ACCOUNT_SESSIONS_CHANGED);

    expect(await ended.atLeast(1)).toEqual([
      { currentSessionEnded: { sessionId: sessionIdOf(alice.token), reason: 'EXPIRED' } },
    ]);
    expect(await socket.closed).toEqual({ code: 4403, reason: 'Session ended' });
    expect(late.events).toEqual([]);
    expect(await late.failure()).toEqual([expect.objectContaining({ message: 'Your session has ended.' })]);
  });

  it('serves subscriptions only: a query over the socket is refused, pointing to HTTP', async () => {
    const alice = await createUser(app);
    const socket = open({ token: alice.token });
    const query = socket.subscribe('{ me { id } }');
    const subscription = socket.subscribe(CURRENT_SESSION_ENDED);
    await untilSubscribed(app, sessionIdOf(alice.token));

    expect(subscription.error).toBeUndefined();
    expect(await query.failure()).toEqual([
      expect.objectContaining({
        message: 'Only subscriptions are served over WebSocket: send queries and mutations over HTTP.',
        extensions: { code: 'BAD_REQUEST', requestId: expect.any(String) },
      }),
    ]);
  });
});
