import { Module } from '@nestjs/common';

import { SessionCleanupJob } from './session-cleanup.job.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

@Module({
  providers: [SessionsRepository, SessionsService, SessionCleanupJob],
  exports: [SessionsService],
})
export class SessionsModule {}
