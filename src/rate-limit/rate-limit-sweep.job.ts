import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

import { PeriodicJob } from '../common/periodic-job.js';
import { RateLimitCounters } from './rate-limit-counters.js';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Deletes counters whose window has ended, so the table holds the current
 * windows only. An ended window already counts from 1 again (the upsert), so
 * the sweep changes no limit. Every instance sweeps; the DELETE is idempotent.
 */
@Injectable()
export class RateLimitSweepJob extends PeriodicJob {
  protected readonly jobName = 'delete-expired-rate-limit-counters';

  constructor(
    private readonly counters: RateLimitCounters,
    scheduler: SchedulerRegistry,
  ) {
    super(scheduler);
  }

  protected intervalMs(): number {
    return SWEEP_INTERVAL_MS;
  }

  protected async work(): Promise<void> {
    await this.counters.deleteExpired();
  }
}
