import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

import { PeriodicJob } from '../common/periodic-job.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { SignInChallenges } from './sign-in-challenges.js';

const BATCH_SIZE = 1000;

/**
 * Deletes lapsed pending sign-ins on the session cleanup's interval. A lapsed
 * challenge completes nothing already (its lookup asks `expires_at > now()`),
 * and a user's own are reclaimed when they sign in again; this is for the
 * ones whose person never came back.
 */
@Injectable()
export class ChallengeCleanupJob extends PeriodicJob {
  protected readonly jobName = 'delete-expired-sign-in-challenges';

  constructor(
    private readonly challenges: SignInChallenges,
    scheduler: SchedulerRegistry,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super(scheduler);
  }

  protected intervalMs(): number {
    return this.config.sessionCleanupIntervalSeconds * 1000;
  }

  protected async work(): Promise<void> {
    let deleted = 0;
    for (;;) {
      const batch = await this.challenges.deleteExpired(BATCH_SIZE);
      deleted += batch;
      if (batch < BATCH_SIZE) break;
    }
    if (deleted > 0) this.logger.log(`Deleted ${deleted} lapsed sign-in challenge(s)`);
  }
}
