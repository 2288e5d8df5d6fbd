import { Module } from '@nestjs/common';

import { SecurityEventsRepository } from './security-events.repository.js';
import { SecurityEventsRetentionJob } from './security-events-retention.job.js';
import { SecurityLogService } from './security-log.service.js';

/** The account's security log: written by auth/ with each change, read through User.securityEvents. */
@Module({
  providers: [SecurityEventsRepository, SecurityLogService, SecurityEventsRetentionJob],
  exports: [SecurityLogService],
})
export class SecurityLogModule {}
