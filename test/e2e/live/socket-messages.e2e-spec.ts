import { expect } from '@jest/globals';
import WebSocket from 'ws';

import { createUser } from '../../support/factories.js';
import { LiveClient, upgradeStatus } from '../../support/live-client.js';
import { useTestApp } from '../../support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface RawSocket {
  socket: WebSocket;
  requestId: string | undefined;
  received: Array<{ type?: string }>;
  pongFrames: number;
  closed: Promise<{ code: number; reason: string }>;
}

/** A bare graphql-ws socket (no client library): the attacker sends what it likes, in any order. */
async function openRaw(url: string, headers: Record<string, string> = {}): Promise<RawSocket> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers });
  const raw: RawSocket = {
    socket,
    requestId: undefined,
    received: [],
    pongFrames: 0,
    closed: new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    ),
  };
  socket.on(
    'upgrade',
    (response) => (raw.requestId = response.headers['x-request-id'] as string | undefined),
  );
  socket.on('message', (data: Buffer) => raw.received.push(JSON.parse(data.toString()) as { type?: string }));
  socket.on('pong', () => raw.pongFrames++);
  await new Promise((resolve) => socket.on('open', resolve));
  return raw;
}

async function acknowledged(raw: RawSocket, token: string): Promise<void> {
  raw.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  while (!raw.received.some((message) => message.type === 'connection_ack')) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The status, X-Request-Id and body of a refused upgrade. */
async function refusedUpgrade(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; header: unknown; body: { error?: string; requestId?: string } }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, 'graphql-transport-ws', { headers });
    socket.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          header: response.headers['x-request-id'],
          body: JSON.parse(text) as { error?: string; requestId?: string },
        }),
      );
    });
    socket.on('upgrade', () => reject(new Error('the upgrade was accepted')));
    socket.on('error', () => undefined);
  });
}

describe('WebSocket messages: nothing before connection_init, a budget per connection, ids on refusals', () => {
  const app = useTestApp({
    LIVE_MAX_MESSAGES_PER_MINUTE: '20',
    LIVE_MAX_CONNECTIONS_PER_IP: '4',
    LIVE_MAX_CONNECTIONS_PER_SESSION: '1',
  });
  const open: RawSocket[] = [];
  afterEach(async () => {
    const closing = open.splice(0);
    for (const raw of closing) raw.socket.terminate();
    await Promise.all(closing.map((raw) => raw.closed));
    // The server releases each socket from its address's count once it sees it close.
    while ((await upgradeStatus(app, {})) !== 101) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  async function track(raw: Promise<RawSocket>): Promise<RawSocket> {
    open.push(await raw);
    return open[open.length - 1];
  }

  it('closes with 4401, unanswered, a socket that pings before connection_init', async () => {
    const raw = await track(openRaw(app.url));

    raw.socket.send(JSON.stringify({ type: 'ping' }));
    raw.socket.send(JSON.stringify({ type: 'ping' }));

    expect(await raw.closed).toEqual({ code: 4401, reason: 'Unauthorized' });
    expect(raw.received).toEqual([]);
  });

  it('closes with 4401, unanswered, a socket that sends a ping frame before connection_init', async () => {
    const raw = await track(openRaw(app.url));

    raw.socket.ping();

    expect(await raw.closed).toEqual({ code: 4401, reason: 'Unauthorized' });
    expect(raw.pongFrames).toBe(0);
  });

  it('closes with 4431 a signed-in socket that sends more than LIVE_MAX_MESSAGES_PER_MINUTE messages', async () => {
    const alice = await createUser(app);
    const raw = await track(openRaw(app.url));
    await acknowledged(raw, alice.token);

    for (let i = 0; i < 200; i++) raw.socket.send(JSON.stringify({ type: 'ping' }));

    expect(await raw.closed).toEqual({ code: 4431, reason: 'Too many messages' });
    // connection_init and 19 pings were within the budget; nothing after it was answered.
    expect(raw.received.filter((message) => message.type === 'pong').length).toBeLessThanOrEqual(19);
  });

  it('answers pings within the budget once the connection is acknowledged', async () => {
    const alice = await createUser(app);
    const raw = await track(openRaw(app.url));
    await acknowledged(raw, alice.token);

    raw.socket.send(JSON.stringify({ type: 'ping' }));
    while (!raw.received.some((message) => message.type === 'pong')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(raw.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('gives the session limit its own close code (4430), apart from a second connection_init (4429)', async () => {
    const alice = await createUser(app);
    const raw = await track(openRaw(app.url));
    await acknowledged(raw, alice.token);

    const second = new LiveClient(app, { token: alice.token });
    expect(await second.closed).toEqual({ code: 4430, reason: 'Too many connections for this session' });
    await second.dispose();
    raw.socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    expect((await raw.closed).code).toBe(4429);
  });

  it.each([
    ['404, another path', '/elsewhere', {}, 404],
    ['403, another site', '/graphql', { origin: 'https://evil.example' }, 403],
  ])('refuses an upgrade (%s) with its request id', async (_case, path, headers, status) => {
    const refused = await refusedUpgrade(app.url, path, headers);

    expect(refused.status).toBe(status);
    expect(refused.header).toMatch(UUID);
    expect(refused.body.requestId).toBe(refused.header);
  });

  it('refuses an upgrade over LIVE_MAX_CONNECTIONS_PER_IP (429) with its request id, and accepts one with an id', async () => {
    const held = await Promise.all([1, 2, 3, 4].map(() => track(openRaw(app.url))));
    expect(held.map((raw) => raw.requestId)).toEqual(held.map(() => expect.stringMatching(UUID)));

    const refused = await refusedUpgrade(app.url, '/graphql');

    expect(refused.status).toBe(429);
    expect(refused.header).toMatch(UUID);
    expect(refused.body).toEqual({
      error: 'Too many open connections from this address.',
      requestId: refused.header,
    });
  });
});
