import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';

/**
 * One statement, so that concurrent attempts from any number of instances are
 * counted exactly: PostgreSQL serialises upserts of one key on its row, and
 * RETURNING gives each attempt the count it made. A window starts with the
 * first attempt and is fixed; once it has ended, the count starts again at 1.
 * The database's clock decides, so instances with skewed clocks agree.
 * $1 key, $2 window length in milliseconds.
 */
const COUNT_ATTEMPT = sql<{ hits: number; secondsLeft: number }>(
  'rate_limit_count_attempt',
  `INSERT INTO rate_limit_counters AS c (key, hits, window_ends_at)
   VALUES ($1, 1, now() + $2::float8 * interval '1 millisecond')
   ON CONFLICT (key) DO UPDATE SET
     hits = CASE WHEN c.window_ends_at <= now() THEN 1 ELSE c.hits + 1 END,
     window_ends_at = CASE
       WHEN c.window_ends_at <= now() THEN EXCLUDED.window_ends_at
       ELSE c.window_ends_at
     END
   RETURNING c.hits, ceil(extract(epoch FROM c.window_ends_at - now()))::integer AS "secondsLeft"`,
);

const DELETE_EXPIRED = sql(
  'rate_limit_delete_expired',
  'DELETE FROM rate_limit_counters WHERE window_ends_at <= now()',
);

/** Every statement on `rate_limit_counters`. */
@Injectable()
export class RateLimitRepository {
  constructor(private readonly sql: SqlRunner) {}

  /** Counts one attempt against `key`: the attempts in its window and the seconds left of it. */
  async countAttempt(key: string, windowMs: number): Promise<{ hits: number; secondsLeft: number }> {
    const [row] = await this.sql.rows(COUNT_ATTEMPT, [key, windowMs]);
    return row;
  }

  /** Deletes the counters whose window has ended; how many. */
  deleteExpired(): Promise<number> {
    return this.sql.count(DELETE_EXPIRED, []);
  }
}
