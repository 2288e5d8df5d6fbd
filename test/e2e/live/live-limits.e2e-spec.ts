import { expect } from '@jest/globals';
import WebSocket from 'ws';

import { LiveConnections } from '../../../src/live/live-connections.js';
import { createUser, signIn } from '../../support/factories.js';
import {
  CURRENT_SESSION_ENDED,
  LiveClient,
  untilSubscribed,
  upgradeStatus,
} from '../../support/live-client.js';
import { sessionIdOf } from '../../support/session-rows.js';
import { useTestApp } from '../../support/test-app.js';

/** The bounds of the WebSocket endpoint, each set low here (LIVE_*). */
describe('live connection limits', () => {
  const app = useTestApp({
    LIVE_MAX_CONNECTIONS_PER_SESSION: '2',
    LIVE_MAX_CONNECTIONS_PER_IP: '6',
    LIVE_MAX_MESSAGE_BYTES: '2048',
    LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
  });
  const clients: LiveClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    // Each closed socket is released from its address's count once the server sees it close.
    while (app.get(LiveConnections).size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  });

  function open(token: string): LiveClient {
    const client = new LiveClient(app, { token });
    clients.push(client);
    return client;
  }

  it('closes with 4430 a session’s socket beyond LIVE_MAX_CONNECTIONS_PER_SESSION, and not another session’s', async () => {
    const alice = await createUser(app);
    await open(alice.token).connected;
    await open(alice.token).connected;

    expect(await open(alice.token).closed).toEqual({
      code: 4430,
      reason: 'Too many connections for this session',
    });
    await open((await signIn(app, alice)).token).connected;
  });

  it('answers 429 to a handshake from an address that holds LIVE_MAX_CONNECTIONS_PER_IP sockets', async () => {
    const users = await Promise.all([1, 2, 3].map(() => createUser(app)));
    for (const user of users) {
      await open(user.token).connected;
      await open(user.token).connected;
    }

    expect(await upgradeStatus(app, {})).toBe(429);
    // One socket closes: once the server has seen it go, a handshake is accepted again.
    await clients[0].dispose();
    let status = 429;
    while (status === 429) status = await upgradeStatus(app, {});
    expect(status).toBe(101);
  });

  it('closes with 1009 a socket that sends a message over LIVE_MAX_MESSAGE_BYTES', async () => {
    const alice = await createUser(app);
    const socket = new WebSocket(`${app.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${alice.token}` } }),
    );
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: `# ${'x'.repeat(4096)}\n${CURRENT_SESSION_ENDED}` },
      }),
    );

    expect(await closed).toBe(1009);
  });

  it('answers an operation beyond LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION with an error, keeping the others', async () => {
    const alice = await createUser(app);
    const socket = open(alice.token);
    const first = socket.subscribe(CURRENT_SESSION_ENDED);
    const second = socket.subscribe(CURRENT_SESSION_ENDED);
    await untilSubscribed(app, sessionIdOf(alice.token), 2);

    const third = socket.subscribe(CURRENT_SESSION_ENDED);

    expect(await third.failure()).toEqual([
      expect.objectContaining({
        message: 'Too many operations at once on this connection.',
        extensions: { code: 'BAD_REQUEST', requestId: expect.any(String) },
      }),
    ]);
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
  });
});
