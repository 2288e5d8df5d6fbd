import { encodeCursor } from '../../src/security-log/security-event-cursor.js';
import { SecurityLogService } from '../../src/security-log/security-log.service.js';
import { signUpUser } from '../support/accounts.js';
import { accessPathsOf } from '../support/query-plans.js';
import { useTestModule } from '../support/test-module.js';

/**
 * The account's security log at a million events: a page is read through the index, stopping at
 * its limit. The scale tier (`npm run test:scale`, jest.scale.config.js): filling a million rows
 * takes 40-90 s on the 2-core machine when other work shares the cores, more than the default
 * run's 30 s per test, so it runs apart, in band, with its own budget.
 */
describe('statements on a large security_events table', () => {
  // One INSERT writes a million rows, each checked against its user's foreign key: longer than the
  // app's default statement timeout (87 s for the whole test at a load average of 7.5).
  const module = useTestModule({ DATABASE_STATEMENT_TIMEOUT_MS: '300000' });

  async function plansOnEvents(action: () => Promise<unknown>): Promise<string[][]> {
    const statements = await module.statementsDuring(action);
    const onEvents = statements.filter(({ text }) => /security_events/i.test(text));
    expect(onEvents).toHaveLength(1);
    return Promise.all(onEvents.map((statement) => accessPathsOf(module, statement)));
  }

  it('serves the first page and a page after a cursor from (user_id, occurred_at, id), at 1M events', async () => {
    const alice = await signUpUser(module);
    // 1,000 users with 1,000 events each, spread over a year; alice has 20,000 of her own.
    await module.sql(
      `INSERT INTO users (email, password_hash)
       SELECT 'log-crowd-' || g || '@example.com', 'not a real hash' FROM generate_series(1, 1000) g`,
    );
    await module.sql(
      `INSERT INTO security_events (type, user_id, occurred_at)
       SELECT 'SIGNED_IN', u.id, now() - (g * 31536) * interval '1 second'
         FROM users u CROSS JOIN generate_series(1, 1000) g WHERE u.email LIKE 'log-crowd-%'`,
    );
    await module.sql(
      `INSERT INTO security_events (type, user_id, occurred_at)
       SELECT 'SIGNED_IN', $1, now() - g * interval '1 minute' FROM generate_series(1, 20000) g`,
      [alice.id],
    );
    await module.sql('ANALYZE security_events');
    const [{ count }] = await module.sql<{ count: string }>('SELECT count(*) FROM security_events');
    expect(Number(count)).toBeGreaterThan(1_000_000);
    const log = module.get(SecurityLogService);

    let firstPage: Awaited<ReturnType<SecurityLogService['page']>> | undefined;
    const first = await plansOnEvents(async () => {
      firstPage = await log.page(alice.id, 20, null);
    });
    const cursor = encodeCursor({
      occurredAtMicros: firstPage!.events.at(-1)!.positionMicros,
      id: firstPage!.events.at(-1)!.id,
    });
    const after = await plansOnEvents(async () => {
      const next = await log.page(alice.id, 20, cursor);
      expect(next.events).toHaveLength(20);
      expect(next.events[0].occurredAt.getTime()).toBeLessThan(
        firstPage!.events.at(-1)!.occurredAt.getTime(),
      );
    });

    expect(firstPage!.events).toHaveLength(20);
    for (const paths of [...first, ...after]) {
      expect(paths.filter((path) => path.startsWith('Seq Scan') || path.startsWith('Bitmap'))).toEqual([]);
      expect(paths).toEqual([
        expect.stringMatching(/^Index (Only )?Scan using IDX_security_events_user_id_occurred_at_id/),
      ]);
    }
  });
});
