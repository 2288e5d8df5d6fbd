import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { SessionsService } from './sessions.service.js';

const JOB_NAME = 'delete-expired-sessions';
// setInterval silently fires every millisecond for delays past 2^31 - 1 ms
// (about 24.8 days); a longer SESSION_CLEANUP_INTERVAL_SECONDS runs this often.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Deletes expired sessions every SESSION_CLEANUP_INTERVAL_SECONDS, so the
 * table holds live sessions and not every sign-in ever made. Expired rows
 * already count for nothing (SessionsService's active()), so a late or missed
 * run changes no behaviour, and each instance of the service may run it.
 */
@Injectable()
export class SessionCleanupJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionCleanupJob.name);
  private running: Promise<void> | null = null;

  constructor(
    private readonly sessions: SessionsService,
    private readonly scheduler: SchedulerRegistry,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const delay = Math.min(this.config.sessionCleanupIntervalSeconds * 1000, MAX_TIMER_DELAY_MS);
    const timer = setInterval(() => void this.run(), delay);
    // A pending cleanup is no reason to keep the process alive.
    timer.unref();
    // Registered, so @nestjs/schedule clears it when the application shuts down.
    this.scheduler.addInterval(JOB_NAME, timer);
  }

  /** Lets a run in progress finish before the database connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.running;
  }

  /** One cleanup; a tick that arrives while the previous run is still going is skipped. */
  run(): Promise<void> {
    this.running ??= this.deleteExpired().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async deleteExpired(): Promise<void> {
    try {
      const deleted = await this.sessions.deleteExpired();
      if (deleted > 0) this.logger.log(`Deleted ${deleted} expired session(s)`);
    } catch (error) {
      // The next tick tries again; failing here must not take the process down.
      this.logger.error('Deleting expired sessions failed', error instanceof Error ? error.stack : error);
    }
  }
}
