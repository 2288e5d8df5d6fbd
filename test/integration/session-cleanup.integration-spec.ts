import { setTimeout as sleep } from 'node:timers/promises';

import { SessionsService } from '../../src/sessions/sessions.service.js';
import { activeSessionCount, authenticate, issueSession, signUpUser } from '../support/accounts.js';
import type { TestUser } from '../support/factories.js';
import { sessionIdOf, sessionIdsOf } from '../support/session-rows.js';
import { type TestModule, useTestModule } from '../support/test-module.js';

/** Ends sessions by time, as the clock would: expires_at in the past (still within absolute_expires_at). */
async function expire(module: TestModule, sessionIds: string[]): Promise<void> {
  await module.sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = ANY($1)`, [
    sessionIds,
  ]);
}

/** `count` expired sessions of `user`, written directly: only their expiry matters here. */
async function insertExpiredSessions(module: TestModule, user: TestUser, count: number): Promise<void> {
  await module.sql(
    `INSERT INTO sessions (user_id, secret_hash, created_at, last_active_at, expires_at, absolute_expires_at)
     SELECT $1, '\\x00', now() - interval '2 days', now() - interval '2 days',
            now() - interval '1 day', now() + interval '1 day'
     FROM generate_series(1, $2)`,
    [user.id, count],
  );
}

describe('deleting expired sessions', () => {
  const module = useTestModule();
  let sessions: SessionsService;

  beforeAll(() => {
    sessions = module.get(SessionsService);
  });

  // Each test deletes every expired row of its database, so none leaves one behind for the next.
  afterEach(async () => {
    await sessions.deleteExpired();
  });

  it('deletes the expired sessions of every user, and only those', async () => {
    const alice = await signUpUser(module);
    const alicesPhone = await issueSession(module, alice);
    const alicesTablet = await issueSession(module, alice);
    const bob = await signUpUser(module);
    const bobsPhone = await issueSession(module, bob);
    await expire(module, [alicesPhone.sessionId, alicesTablet.sessionId, bobsPhone.sessionId]);

    const deleted = await sessions.deleteExpired();

    expect(deleted).toBe(3);
    expect(await sessionIdsOf(module, [alice.id, bob.id])).toEqual(
      [sessionIdOf(alice.token), sessionIdOf(bob.token)].sort(),
    );
    expect((await authenticate(module, alice.token))?.user.id).toBe(alice.id);
    expect((await authenticate(module, bob.token))?.user.id).toBe(bob.id);
    expect([await activeSessionCount(module, alice.id), await activeSessionCount(module, bob.id)]).toEqual([
      1, 1,
    ]);
  });

  it('works through more expired sessions than one batch holds', async () => {
    const alice = await signUpUser(module);
    await insertExpiredSessions(module, alice, 7);

    expect(await sessions.deleteExpired(3)).toBe(7);
    expect(await sessionIdsOf(module, [alice.id])).toEqual([sessionIdOf(alice.token)]);
  });

  it('is harmless when several instances run it at once: each row is deleted once, and no run fails', async () => {
    const alice = await signUpUser(module);
    await insertExpiredSessions(module, alice, 20);

    const counts = await Promise.all([
      sessions.deleteExpired(2),
      sessions.deleteExpired(2),
      sessions.deleteExpired(2),
    ]);

    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(20);
    expect(await sessionIdsOf(module, [alice.id])).toEqual([sessionIdOf(alice.token)]);
  });
});

describe('the scheduled cleanup (SESSION_CLEANUP_INTERVAL_SECONDS=1)', () => {
  const module = useTestModule({ SESSION_CLEANUP_INTERVAL_SECONDS: '1' });

  it('deletes expired sessions without being asked', async () => {
    const alice = await signUpUser(module);
    await insertExpiredSessions(module, alice, 3);

    // Bounded wait for the job's next ticks (up to 10 s for a 1 s interval); not a measure of speed.
    for (let attempt = 0; attempt < 100 && (await sessionIdsOf(module, [alice.id])).length > 1; attempt++) {
      await sleep(100);
    }

    expect(await sessionIdsOf(module, [alice.id])).toEqual([sessionIdOf(alice.token)]);
  });
});
