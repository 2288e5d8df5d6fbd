import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionCleanupJob } from './session-cleanup.job.js';
import { SessionCountLoaderFactory } from './session-count.loader.js';
import { SessionEntity } from './session.entity.js';
import { SessionsService } from './sessions.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SessionEntity])],
  providers: [SessionsService, SessionCleanupJob, SessionCountLoaderFactory],
  exports: [SessionsService, SessionCountLoaderFactory],
})
export class SessionsModule {}
