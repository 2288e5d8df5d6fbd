import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

import { PeriodicJob } from '../common/periodic-job.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { SessionsService } from './sessions.service.js';

/**
 * Deletes expired sessions every SESSION_CLEANUP_INTERVAL_SECONDS, so the
 * table holds live sessions and not every sign-in ever made. Expired rows
 * already count for nothing (the repository's active()), so a late or missed
 * run changes no behaviour.
 */
@Injectable()
export class SessionCleanupJob extends PeriodicJob {
  protected readonly jobName = 'delete-expired-sessions';

  constructor(
    private readonly sessions: SessionsService,
    scheduler: SchedulerRegistry,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super(scheduler);
  }

  protected intervalMs(): number {
    return this.config.sessionCleanupIntervalSeconds * 1000;
  }

  protected async work(): Promise<void> {
    const deleted = await this.sessions.deleteExpired();
    if (deleted > 0) this.logger.log(`Deleted ${deleted} expired session(s)`);
  }
}
