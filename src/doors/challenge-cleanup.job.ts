import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

import { PeriodicJob } from '../common/periodic-job.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { PasskeysRepository } from '../webauthn/passkeys.repository.js';
import { SignInChallenges } from './sign-in-challenges.js';

const BATCH_SIZE = 1000;

/**
 * Deletes lapsed pending sign-ins on the session cleanup's interval. A lapsed
 * challenge completes nothing already (its lookup asks `expires_at > now()`),
 * and a user's own are reclaimed when they sign in again; this is for the
 * ones whose person never came back. Passkey challenges (handed out in
 * options, answered or not) likewise.
 */
@Injectable()
export class ChallengeCleanupJob extends PeriodicJob {
  protected readonly jobName = 'delete-expired-sign-in-challenges';

  constructor(
    private readonly challenges: SignInChallenges,
    private readonly passkeys: PasskeysRepository,
    scheduler: SchedulerRegistry,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super(scheduler);
  }

  protected intervalMs(): number {
    return this.config.sessionCleanupIntervalSeconds * 1000;
  }

  protected async work(): Promise<void> {
    const signIns = await drain((limit) => this.challenges.deleteExpired(limit));
    if (signIns > 0) this.logger.log(`Deleted ${signIns} lapsed sign-in challenge(s)`);
    const passkeyChallenges = await drain((limit) => this.passkeys.deleteExpiredChallenges(limit));
    if (passkeyChallenges > 0) this.logger.log(`Deleted ${passkeyChallenges} lapsed passkey challenge(s)`);
  }
}

/** Deletes in batches until a batch comes back short; how many in all. */
async function drain(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await deleteBatch(BATCH_SIZE);
    deleted += batch;
    if (batch < BATCH_SIZE) return deleted;
  }
}
