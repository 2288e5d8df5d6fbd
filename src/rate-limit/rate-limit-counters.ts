import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RateLimitCounterEntity } from './rate-limit-counter.entity.js';

export interface CountedAttempt {
  /** Attempts in the current window, this one included. */
  readonly hits: number;
  /** Whole seconds until the window ends and the count starts again. */
  readonly secondsLeft: number;
}

/**
 * One statement, so that concurrent attempts from any number of instances are
 * counted exactly: PostgreSQL serialises upserts of one key on its row, and
 * RETURNING gives each attempt the count it made. A window starts with the
 * first attempt and is fixed; once it has ended, the count starts again at 1.
 * The database's clock decides, so instances with skewed clocks agree.
 * $1 key, $2 window length in milliseconds.
 */
const COUNT_ATTEMPT = `
  INSERT INTO rate_limit_counters AS c (key, hits, window_ends_at)
  VALUES ($1, 1, now() + $2::float8 * interval '1 millisecond')
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.window_ends_at <= now() THEN 1 ELSE c.hits + 1 END,
    window_ends_at = CASE
      WHEN c.window_ends_at <= now() THEN EXCLUDED.window_ends_at
      ELSE c.window_ends_at
    END
  RETURNING c.hits, ceil(extract(epoch FROM c.window_ends_at - now()))::integer AS seconds_left`;

const SWEEP_INTERVAL_MS = 60_000;

/** Rate-limit counters in PostgreSQL, shared by every instance of the service. */
@Injectable()
export class RateLimitCounters implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RateLimitCounters.name);
  private sweep: NodeJS.Timeout | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** Counts one attempt against `subject` (any string; only its hash is stored). */
  async count(subject: string, windowMs: number): Promise<CountedAttempt> {
    const key = createHash('sha256').update(subject).digest('hex');
    const [row] = await this.dataSource.query<Array<{ hits: number; seconds_left: number }>>(COUNT_ATTEMPT, [
      key,
      windowMs,
    ]);
    return { hits: row.hits, secondsLeft: Math.max(1, row.seconds_left) };
  }

  /** Deletes the counters whose window has ended; returns how many. */
  async deleteExpired(): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(RateLimitCounterEntity)
      .where('window_ends_at <= now()')
      .execute();
    return result.affected ?? 0;
  }

  onModuleInit(): void {
    // Every instance sweeps; the DELETE is idempotent, so they need no coordination.
    this.sweep = setInterval(() => {
      this.deleteExpired().catch((error: unknown) =>
        this.logger.warn(`Could not delete expired rate-limit counters: ${String(error)}`),
      );
    }, SWEEP_INTERVAL_MS);
    this.sweep.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweep);
  }
}
