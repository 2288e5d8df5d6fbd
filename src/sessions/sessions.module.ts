import { Module } from '@nestjs/common';

import { UsersModule } from '../users/users.module.js';
import { WebAuthnModule } from '../webauthn/webauthn.module.js';
import { SessionCleanupJob } from './session-cleanup.job.js';
import { SessionEvents } from './session-events.js';
import { SessionLivenessRepository } from './session-liveness.repository.js';
import { SessionStepUpRepository } from './session-step-up.repository.js';
import { SessionStepUpService } from './session-step-up.service.js';
import { SessionSudoResolver } from './session-sudo.resolver.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

@Module({
  imports: [UsersModule, WebAuthnModule],
  providers: [
    SessionsRepository,
    SessionsService,
    SessionCleanupJob,
    SessionEvents,
    SessionLivenessRepository,
    SessionStepUpRepository,
    SessionStepUpService,
    SessionSudoResolver,
  ],
  exports: [SessionsService, SessionEvents, SessionLivenessRepository, SessionStepUpService],
})
export class SessionsModule {}
