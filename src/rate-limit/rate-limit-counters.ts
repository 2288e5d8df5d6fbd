import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { RateLimitRepository } from './rate-limit.repository.js';

interface CountedAttempt {
  /** Attempts in the current window, this one included. */
  readonly hits: number;
  /** Whole seconds until the window ends and the count starts again. */
  readonly secondsLeft: number;
}

/** Rate-limit counters in PostgreSQL, shared by every instance of the service. */
@Injectable()
export class RateLimitCounters {
  constructor(private readonly counters: RateLimitRepository) {}

  /** Counts one attempt against `subject` (any string; only its hash is stored). */
  async count(subject: string, windowMs: number): Promise<CountedAttempt> {
    const key = createHash('sha256').update(subject).digest('hex');
    const { hits, secondsLeft } = await this.counters.countAttempt(key, windowMs);
    return { hits, secondsLeft: Math.max(1, secondsLeft) };
  }

  /** Deletes the counters whose window has ended; returns how many. */
  deleteExpired(): Promise<number> {
    return this.counters.deleteExpired();
  }
}
