import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';

import { SessionEventListener } from '../../../src/live/session-event-listener.js';
import { createUser, signIn } from '../../support/factories.js';
import { FreezableProxy } from '../../support/freezable-proxy.js';
import {
  closeAll,
  CURRENT_SESSION_ENDED,
  LiveClient,
  startTwoInstances,
  untilSubscribed,
} from '../../support/live-client.js';
import { TestApp } from '../../support/test-app.js';

/**
 * PostgreSQL does not keep notifications for a listener that is gone: what
 * ends while an instance's LISTEN connection is down must still close its
 * sockets, by the re-check every open socket gets once it listens again.
 */
describe('the LISTEN connection dropped', () => {
  let a: TestApp;
  let b: TestApp;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    ({ a, b } = await startTwoInstances());
  });

  afterAll(() => closeAll(clients, b, a));

  /** Terminates the LISTEN connection of every instance on this test's database. */
  async function killListeners(within?: pg.ClientBase): Promise<number> {
    const sql = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE application_name = 'live' AND datname = current_database() AND pid <> pg_backend_pid()`;
    const rows = within ? (await within.query(sql)).rows : await a.sql(sql);
    return rows.length;
  }

  /** Waits (bounded, so that a failing test ends) until the condition holds. */
  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`still waiting for ${what} after 10 s`);
      await sleep(5);
    }
  }

  async function subscribedPhone(): Promise<{
    sessionId: string;
    socket: LiveClient;
    alice: { token: string };
  }> {
    const alice = await createUser(a);
    const { sessionId, token } = await signIn(a, alice);
    const socket = new LiveClient(b, { token });
    clients.push(socket);
    socket.subscribe(CURRENT_SESSION_ENDED);
    await untilSubscribed(b, sessionId);
    return { sessionId, socket, alice };
  }

  it('closes a socket whose session was revoked through the app while its instance was not listening', async () => {
    const listeners = [a, b].map((app) => app.get(SessionEventListener));
    // The listener is back ~100 ms after the kill: a revoke that commits after that is closed by
    // its ordinary notification, which shows nothing about the re-check. Only a round in which b
    // was not listening from before the revoke was sent until it was answered shows it; repeat
    // (bounded) until one does.
    for (let round = 0; round < 10; round++) {
      await until(() => listeners.every((listener) => listener.listening), 'both instances listening');
      const { sessionId, socket, alice } = await subscribedPhone();

      expect(await killListeners()).toBe(2);
      await until(() => !listeners[1].listening, "b's listener seeing the kill");
      const revoked = await a.gql(
        'mutation ($id: ID!) { revokeSession(id: $id) { revokedSessionId } }',
        { id: sessionId },
        { token: alice.token },
      );
      expect(revoked.errors).toBeUndefined();
      const downThroughout = !listeners[1].listening;

      expect(await socket.closed).toEqual({ code: 4403, reason: 'Session ended' });
      if (downThroughout) return;
    }
    throw new Error('in 10 rounds, no revoke committed while the listener was down');
  });

  it('closes, after reconnecting, a socket whose ending sent no notification at all', async () => {
    const { sessionId, socket } = await subscribedPhone();
    // The row goes without a NOTIFY (as if the notification were lost), then the listeners drop:
    // only the re-check after the reconnect can find it gone.
    const direct = new pg.Client({ connectionString: b.database.directUrl ?? b.database.url });
    await direct.connect();
    try {
      await direct.query('DELETE FROM sessions WHERE id = $1', [sessionId]);
      expect(await killListeners(direct)).toBe(2);
    } finally {
      await direct.end();
    }

    expect(await socket.closed).toEqual({ code: 4403, reason: 'Session ended' });
  });
});

/**
 * A LISTEN connection can also go silent without closing (a NAT entry
 * dropped, a frozen peer): no error, no notification, nothing to react to.
 * The heartbeat finds out, and the instance reconnects and re-checks.
 */
describe('the LISTEN connection gone silent', () => {
  let a: TestApp;
  let b: TestApp;
  let proxy: FreezableProxy;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    a = await TestApp.create();
    const direct = new URL(a.database.directUrl ?? a.database.url);
    proxy = await FreezableProxy.start({ host: direct.hostname, port: Number(direct.port) });
    const throughProxy = new URL(direct);
    throughProxy.host = `127.0.0.1:${proxy.port}`;
    b = await TestApp.create(
      { DATABASE_LISTEN_URL: throughProxy.toString(), LIVE_LISTENER_HEARTBEAT_SECONDS: '1' },
      { shareDatabaseOf: a },
    );
  });

  afterAll(async () => {
    await closeAll(clients, b, a);
    await proxy.close();
  });

  it('closes a socket whose session was revoked while its instance heard nothing', async () => {
    const alice = await createUser(a);
    const { sessionId, token } = await signIn(a, alice);
    const socket = new LiveClient(b, { token });
    clients.push(socket);
    socket.subscribe(CURRENT_SESSION_ENDED);
    await untilSubscribed(b, sessionId);
    expect(b.get(SessionEventListener).listening).toBe(true);

    proxy.freeze();
    const revoked = await a.gql(
      'mutation ($id: ID!) { revokeSession(id: $id) { revokedSessionId } }',
      { id: sessionId },
      { token: alice.token },
    );
    expect(revoked.errors).toBeUndefined();

    // The notification went into the frozen connection; only the heartbeat's reconnect and re-check close it.
    expect(await socket.closed).toEqual({ code: 4403, reason: 'Session ended' });
  });
});
