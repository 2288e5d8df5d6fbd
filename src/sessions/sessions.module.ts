import { Module } from '@nestjs/common';

import { SessionCleanupJob } from './session-cleanup.job.js';
import { SessionEvents } from './session-events.js';
import { SessionLivenessRepository } from './session-liveness.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

@Module({
  providers: [
    SessionsRepository,
    SessionsService,
    SessionCleanupJob,
    SessionEvents,
    SessionLivenessRepository,
  ],
  exports: [SessionsService, SessionEvents, SessionLivenessRepository],
})
export class SessionsModule {}
