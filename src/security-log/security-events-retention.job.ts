import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

import { PeriodicJob } from '../common/periodic-job.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { SecurityLogService } from './security-log.service.js';

/**
 * Deletes security events older than SECURITY_EVENTS_RETENTION_DAYS, every
 * SESSION_CLEANUP_INTERVAL_SECONDS (retention is counted in days: the
 * session cleanup's pace is more than often enough).
 */
@Injectable()
export class SecurityEventsRetentionJob extends PeriodicJob {
  protected readonly jobName = 'purge-old-security-events';

  constructor(
    private readonly securityLog: SecurityLogService,
    scheduler: SchedulerRegistry,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super(scheduler);
  }

  protected intervalMs(): number {
    return this.config.sessionCleanupIntervalSeconds * 1000;
  }

  protected async work(): Promise<void> {
    const deleted = await this.securityLog.purgeExpired();
    if (deleted > 0) this.logger.log(`Deleted ${deleted} security event(s) past their retention`);
  }
}
