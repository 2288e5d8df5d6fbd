import { randomUUID } from 'node:crypto';

import { RateLimitCounters } from '../../src/rate-limit/rate-limit-counters.js';
import { useTestModule } from '../support/test-module.js';

describe('RateLimitCounters', () => {
  const module = useTestModule();

  const hitsOf = async (subject: string): Promise<number> =>
    (await module.get(RateLimitCounters).count(subject, 600_000)).hits;

  it('sweeps away the counters whose window has ended, and only those', async () => {
    const [ended, running] = [`ended-${randomUUID()}`, `running-${randomUUID()}`];
    await hitsOf(ended);
    await hitsOf(ended);
    await hitsOf(running);
    // The first counter's window goes by, in the database: no wall-clock sleep.
    await module.sql(
      `UPDATE rate_limit_counters SET window_ends_at = now() - interval '1 second'
        WHERE key = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
      [ended],
    );

    expect(await module.get(RateLimitCounters).deleteExpired()).toBe(1);

    const [{ count }] = await module.sql<{ count: string }>('SELECT count(*) FROM rate_limit_counters');
    expect(Number(count)).toBe(1);
    // The running window keeps its count; the ended one starts again.
    expect(await hitsOf(running)).toBe(2);
    expect(await hitsOf(ended)).toBe(1);
  });
});
