import pg from 'pg';

import { createUser, signIn, type TestUser } from '../../support/factories.js';
import {
  closeAll,
  type Closed,
  CURRENT_SESSION_ENDED,
  LiveClient,
  type Received,
  startTwoInstances,
  untilSubscribed,
} from '../../support/live-client.js';
import type { TestApp } from '../../support/test-app.js';

interface Ended {
  currentSessionEnded: { sessionId: string; reason: string };
}

/** Waits for `what` (bounded, so that a socket left open fails the test by name instead of by Jest's timeout). */
async function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting for ${what} after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A database answers one statement with an error now and then (a reset, a
 * statement timeout, a failover) without going away.
 *
 * A bulk ending names only the session kept, so the instance holding the
 * other sockets must read their sessions again to close them: when that one
 * statement fails, the socket of a signed-out device must still close, with
 * the ending's own reason. And a socket whose session could not be looked up
 * is told to try again (1013), never that it ended (4403) nor graphql-ws's
 * 4500, after which its clients give up for good.
 */
describe('a statement error on the live path', () => {
  let a: TestApp;
  let b: TestApp;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    ({ a, b } = await startTwoInstances());
  });

  afterAll(() => closeAll(clients, b, a));

  /** A device of `user` signed in on A, with a socket on B subscribed to its ending. */
  async function phoneOf(user: TestUser): Promise<{
    sessionId: string;
    socket: LiveClient;
    ended: Received<Ended>;
  }> {
    const { sessionId, token } = await signIn(a, user);
    const socket = new LiveClient(b, { token });
    clients.push(socket);
    const ended = socket.subscribe<Ended>(CURRENT_SESSION_ENDED);
    await untilSubscribed(b, sessionId);
    return { sessionId, socket, ended };
  }

  it('closes the socket of a device signed out by another when the re-check of the survivors fails once', async () => {
    const alice = await createUser(a);
    const phone = await phoneOf(alice);
    const recheckFailed = a.failNextStatement('sessions_liveness');

    const response = await a.gql(
      'mutation { signOutOtherSessions { signedOutCount } }',
      {},
      { token: alice.token },
    );
    expect(response.errors).toBeUndefined();
    await within(recheckFailed, "B's re-check of the phone's session to fail");

    expect(await within(phone.ended.atLeast(1), 'currentSessionEnded')).toEqual([
      { currentSessionEnded: { sessionId: phone.sessionId, reason: 'SIGNED_OUT_BY_OTHER_SESSION' } },
    ]);
    expect(await within<Closed>(phone.socket.closed, 'the socket to close')).toEqual({
      code: 4403,
      reason: 'Session ended',
    });
  });

  it('closes, after the listener reconnects, a socket whose ending sent no notification, when the re-check fails once', async () => {
    const alice = await createUser(a);
    const phone = await phoneOf(alice);
    const recheckFailed = a.failNextStatement('sessions_liveness');
    // The row goes without a NOTIFY (as if the notification were lost), then the listeners drop:
    // only B's re-check after its reconnect can find it gone, and its first read fails.
    const direct = new pg.Client({ connectionString: b.database.directUrl ?? b.database.url });
    await direct.connect();
    try {
      await direct.query('DELETE FROM sessions WHERE id = $1', [phone.sessionId]);
      await direct.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'live' AND datname = current_database() AND pid <> pg_backend_pid()`,
      );
    } finally {
      await direct.end();
    }
    await within(recheckFailed, 'a re-check after the reconnect to fail');

    expect(await within<Closed>(phone.socket.closed, 'the socket to close')).toEqual({
      code: 4403,
      reason: 'Session ended',
    });
  });

  it('closes with 1013 (try again later), not as ended, a socket whose session lookup fails; the next one is served', async () => {
    const alice = await createUser(a);
    const { sessionId, token } = await signIn(a, alice);
    const lookupFailed = b.failNextStatement('sessions_authenticate');

    const first = new LiveClient(b, { token });
    clients.push(first);
    expect(await within<Closed>(first.closed, 'the first socket to close')).toEqual({
      code: 1013,
      reason: 'Try again later',
    });
    await lookupFailed;

    // graphql-ws clients never reconnect after 4500, its code for an error thrown while connecting.
    const again = new LiveClient(b, { token });
    clients.push(again);
    again.subscribe(CURRENT_SESSION_ENDED);
    await untilSubscribed(b, sessionId);
  });

  it('refuses a subscribe whose session lookup fails as unavailable and closes with 1013, not as ended', async () => {
    const alice = await createUser(a);
    const { token } = await signIn(a, alice);
    const socket = new LiveClient(b, { token });
    clients.push(socket);
    await within(socket.connected, 'the socket to be acknowledged');
    const lookupFailed = b.failNextStatement('sessions_authenticate');

    const ended = socket.subscribe<Ended>(CURRENT_SESSION_ENDED);
    await within(lookupFailed, 'the lookup to fail');

    expect(await within<Closed>(socket.closed, 'the socket to close')).toEqual({
      code: 1013,
      reason: 'Try again later',
    });
    const refusal = (await within(ended.failure(), "the subscribe's refusal")) as Array<{
      message: string;
      extensions: { code: string };
    }>;
    expect(refusal.map(({ message, extensions }) => [message, extensions.code])).toEqual([
      ['Please try again shortly.', 'SERVICE_UNAVAILABLE'],
    ]);
  });
});
