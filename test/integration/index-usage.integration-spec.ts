import { UnitOfWork } from '../../src/database/transaction.js';
import { SecurityLogService } from '../../src/security-log/security-log.service.js';
import { SessionsService } from '../../src/sessions/sessions.service.js';
import { authenticate, signUpUser } from '../support/accounts.js';
import { addSessions } from '../support/factories.js';
import { accessPathsOf } from '../support/query-plans.js';
import { useTestModule } from '../support/test-module.js';

/**
 * With enough rows and fresh statistics, PostgreSQL's planner picks the
 * indexes on its own: these are the plans of the SQL the app really sends,
 * with the values it really binds (captured while the code ran), not of
 * hand-written look-alikes.
 */
describe('statements on a large sessions table', () => {
  const module = useTestModule();

  beforeAll(async () => {
    // 2,000 other users with 25 sessions each: 50,000 rows, one in a hundred
    // expired (about what an hourly cleanup finds).
    await module.sql(
      `INSERT INTO users (email, password_hash)
       SELECT 'crowd-' || g || '@example.com', 'not a real hash' FROM generate_series(1, 2000) g`,
    );
    await module.sql(
      `INSERT INTO sessions (user_id, secret_hash, expires_at, absolute_expires_at)
       SELECT u.id, sha256(convert_to(u.id::text || g::text, 'UTF8')),
              now() + CASE WHEN abs(hashtext(u.id::text || g::text)) % 100 = 0 THEN interval '-1 hour'
                           ELSE interval '20 days' END,
              now() + interval '90 days'
         FROM users u CROSS JOIN generate_series(1, 25) g`,
    );
  });

  /** The plan of each statement on `sessions` that `action` sent, by its parameters. */
  async function plansDuring(action: () => Promise<unknown>): Promise<string[][]> {
    const statements = await module.statementsDuring(action);
    const onSessions = statements.filter(({ text }) =>
      /^\s*(SELECT|UPDATE|DELETE)\b[\s\S]*"?sessions"?/i.test(text),
    );
    expect(onSessions.length).toBeGreaterThan(0);
    return Promise.all(onSessions.map((statement) => accessPathsOf(module, statement)));
  }

  /** Every plan reaches `sessions` through `index`, and no plan scans a whole table. */
  function expectIndexOnly(plans: string[][], index: string): void {
    for (const paths of plans) {
      expect(paths.filter((path) => path.startsWith('Seq Scan'))).toEqual([]);
      expect(paths).toEqual(
        expect.arrayContaining([expect.stringMatching(`using ${index}( on sessions)?$`)]),
      );
    }
  }

  it('looks up the token, counts, records activity and signs out other sessions through indexes, scanning no table', async () => {
    const sessions = module.get(SessionsService);
    const alice = await signUpUser(module);
    await addSessions(module, alice, 5);
    // Due a touch: its last recorded activity is older than the touch interval.
    await module.sql(`UPDATE sessions SET last_active_at = now() - interval '1 hour' WHERE user_id = $1`, [
      alice.id,
    ]);
    await module.sql('ANALYZE users');
    await module.sql('ANALYZE sessions');

    const lookup = await plansDuring(() => sessions.authenticate(alice.token));
    const count = await plansDuring(() => sessions.countActive(alice.id));
    const context = await authenticate(module, alice.token);
    const activity = await plansDuring(async () => {
      expect(
        await sessions.recordActivity(context!.session, { ipAddress: '127.0.0.1', userAgent: null }),
      ).toBe(false);
    });
    const signOutOthers = await plansDuring(async () => {
      expect(
        await module
          .get(UnitOfWork)
          .run((transaction) => sessions.endAllExcept(alice.id, context!.session.id, transaction)),
      ).toBe(5);
    });

    expectIndexOnly(lookup, 'PK_sessions');
    expectIndexOnly(count, 'IDX_sessions_user_id_expires_at');
    // The touch: UPDATE … WHERE id = $1, by primary key.
    expectIndexOnly(activity, 'PK_sessions');
    expectIndexOnly(signOutOthers, 'IDX_sessions_user_id_expires_at');
    expect(await module.sql('SELECT id FROM sessions WHERE user_id = $1', [alice.id])).toHaveLength(1);
    const [{ last_active_at: touched }] = await module.sql<{ last_active_at: Date }>(
      'SELECT last_active_at FROM sessions WHERE user_id = $1',
      [alice.id],
    );
    expect(Date.now() - touched.getTime()).toBeLessThan(60_000);
  });

  it('finds the expired sessions the cleanup DELETE removes through the expires_at index and deletes them by primary key', async () => {
    const [{ count: expired }] = await module.sql<{ count: string }>(
      'SELECT count(*) FROM sessions WHERE expires_at <= now()',
    );
    expect(Number(expired)).toBeGreaterThan(0);
    await module.sql('ANALYZE sessions');

    const cleanup = await plansDuring(async () => {
      expect(await module.get(SessionsService).deleteExpired()).toBe(Number(expired));
    });

    // The expired rows are found through the expires_at index and deleted by primary key: no
    // step of the cleanup reads every session.
    expect(cleanup).toHaveLength(1);
    expect(cleanup[0]).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^(Index|Index Only|Bitmap Index) Scan using IDX_sessions_expires_at/),
        expect.stringMatching(/^(Index|Bitmap Index) Scan using PK_sessions/),
      ]),
    );
    expect(cleanup[0].filter((path) => path.startsWith('Seq Scan'))).toEqual([]);
  });
});

/**
 * The retention purge. (The security log's plans at a million events are in the scale tier:
 * test/scale/security-events.scale-spec.ts, `npm run test:scale`.)
 */
describe('security events past the retention', () => {
  const module = useTestModule();

  it('purges events past the retention in batches, keeping the rest', async () => {
    const alice = await signUpUser(module);
    await module.sql(
      `INSERT INTO security_events (type, user_id, occurred_at)
       SELECT 'SIGNED_IN', $1, now() - interval '401 days' - g * interval '1 minute' FROM generate_series(1, 2500) g`,
      [alice.id],
    );
    const [{ count: before }] = await module.sql<{ count: string }>('SELECT count(*) FROM security_events');

    const deleted = await module.get(SecurityLogService).purgeExpired(1000);

    const [{ count: after }] = await module.sql<{ count: string }>('SELECT count(*) FROM security_events');
    const [{ old }] = await module.sql<{ old: string }>(
      "SELECT count(*) AS old FROM security_events WHERE occurred_at < now() - interval '400 days'",
    );
    expect(Number(old)).toBe(0);
    expect(deleted).toBeGreaterThanOrEqual(2500);
    expect(Number(before) - Number(after)).toBe(deleted);
    // Her sign-up, recent, stays.
    expect(
      await module.sql(
        "SELECT type FROM security_events WHERE user_id = $1 AND occurred_at > now() - interval '1 day'",
        [alice.id],
      ),
    ).toEqual([{ type: 'SIGNED_UP' }]);
  });
});
