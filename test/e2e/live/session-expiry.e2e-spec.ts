import { createUser } from '../../support/factories.js';
import { CURRENT_SESSION_ENDED, LiveClient, untilSubscribed } from '../../support/live-client.js';
import { sessionIdOf, sessionRow } from '../../support/session-rows.js';
import { type TestApp, useTestApp } from '../../support/test-app.js';

/**
 * No statement ends a session when its time runs out: each instance sets a
 * timer for the earliest expiry among its sockets' sessions. Sessions here
 * live two seconds, so the wait is real time, and the delay is printed, not
 * asserted.
 */
async function expectExpiryCloses(app: TestApp, label: string): Promise<void> {
  const alice = await createUser(app);
  const sessionId = sessionIdOf(alice.token);
  const socket = new LiveClient(app, { token: alice.token });
  try {
    const ended = socket.subscribe(CURRENT_SESSION_ENDED);
    await untilSubscribed(app, sessionId);

    expect(await ended.atLeast(1)).toEqual([{ currentSessionEnded: { sessionId, reason: 'EXPIRED' } }]);
    expect(await socket.closed).toEqual({ code: 4403, reason: 'Session ended' });
    const row = await sessionRow(app, sessionId);
    console.log(
      `${label}: socket closed ${Date.now() - row!.expires_at.getTime()} ms after the session expired`,
    );
  } finally {
    await socket.dispose();
  }
}

describe('a session that reaches its idle timeout', () => {
  const app = useTestApp({ SESSION_TTL_SECONDS: '2' });

  it('tells its socket EXPIRED and closes it, with no request from anyone', async () => {
    await expectExpiryCloses(app, 'idle timeout');
  });
});

describe('a session that reaches its absolute lifetime', () => {
  const app = useTestApp({ SESSION_MAX_LIFETIME_SECONDS: '2' });

  it('tells its socket EXPIRED and closes it, with no request from anyone', async () => {
    await expectExpiryCloses(app, 'absolute lifetime');
  });
});
