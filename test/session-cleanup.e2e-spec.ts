import { setTimeout as sleep } from 'node:timers/promises';
import { SessionsService } from '../src/sessions/sessions.service.js';
import { createUser, signIn, type TestUser, whoAmI } from './support/factories.js';
import { sessionIdOf, sessionIdsOf } from './support/session-rows.js';
import { TestApp, useTestApp } from './support/test-app.js';

/** Ends sessions by time, as the clock would: expires_at in the past (still within absolute_expires_at). */
async function expire(app: TestApp, sessionIds: string[]): Promise<void> {
  await app.sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = ANY($1)`, [
    sessionIds,
  ]);
}

/** `count` expired sessions of `user`, written directly: only their expiry matters here. */
async function insertExpiredSessions(app: TestApp, user: TestUser, count: number): Promise<void> {
  await app.sql(
    `INSERT INTO sessions (user_id, secret_hash, created_at, last_active_at, expires_at, absolute_expires_at)
     SELECT $1, '\\x00', now() - interval '2 days', now() - interval '2 days',
            now() - interval '1 day', now() + interval '1 day'
     FROM generate_series(1, $2)`,
    [user.id, count],
  );
}

describe('deleting expired sessions', () => {
  const app = useTestApp();
  let sessions: SessionsService;

  beforeAll(() => {
    sessions = app.app.get(SessionsService);
  });

  // Each test deletes every expired row of its database, so none leaves one behind for the next.
  afterEach(async () => {
    await sessions.deleteExpired();
  });

  it('deletes the expired sessions of every user, and only those', async () => {
    const alice = await createUser(app);
    const alicesPhone = await signIn(app, alice);
    const alicesTablet = await signIn(app, alice);
    const bob = await createUser(app);
    const bobsPhone = await signIn(app, bob);
    await expire(app, [alicesPhone.sessionId, alicesTablet.sessionId, bobsPhone.sessionId]);

    const deleted = await sessions.deleteExpired();

    expect(deleted).toBe(3);
    expect(await sessionIdsOf(app, [alice.id, bob.id])).toEqual(
      [sessionIdOf(alice.token), sessionIdOf(bob.token)].sort(),
    );
    expect(await whoAmI(app, alice.token)).toEqual({ id: alice.id, activeSessionCount: 1 });
    expect(await whoAmI(app, bob.token)).toEqual({ id: bob.id, activeSessionCount: 1 });
  });

  it('works through more expired sessions than one batch holds', async () => {
    const alice = await createUser(app);
    await insertExpiredSessions(app, alice, 7);

    expect(await sessions.deleteExpired(3)).toBe(7);
    expect(await sessionIdsOf(app, [alice.id])).toEqual([sessionIdOf(alice.token)]);
  });

  it('is harmless when several instances run it at once: each row is deleted once, and no run fails', async () => {
    const alice = await createUser(app);
    await insertExpiredSessions(app, alice, 20);

    const counts = await Promise.all([
      sessions.deleteExpired(2),
      sessions.deleteExpired(2),
      sessions.deleteExpired(2),
    ]);

    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(20);
    expect(await sessionIdsOf(app, [alice.id])).toEqual([sessionIdOf(alice.token)]);
  });
});

describe('the scheduled cleanup (SESSION_CLEANUP_INTERVAL_SECONDS=1)', () => {
  const app = useTestApp({ SESSION_CLEANUP_INTERVAL_SECONDS: '1' });

  it('deletes expired sessions without being asked', async () => {
    const alice = await createUser(app);
    await insertExpiredSessions(app, alice, 3);

    // Bounded wait for the job's next ticks; not a measure of speed.
    for (let attempt = 0; attempt < 50 && (await sessionIdsOf(app, [alice.id])).length > 1; attempt++) {
      await sleep(100);
    }

    expect(await sessionIdsOf(app, [alice.id])).toEqual([sessionIdOf(alice.token)]);
  });
});
