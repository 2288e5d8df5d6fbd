import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';

// setInterval silently fires every millisecond for delays past 2^31 - 1 ms
// (about 24.8 days); a longer interval runs this often instead.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The one shape of a periodic job: a timer registered with @nestjs/schedule
 * (which clears it at shutdown), no overlap (a tick that arrives while the
 * previous run is still going is skipped), a run in progress drained before
 * the database closes, and a failure logged and retried on the next tick,
 * never thrown at the process. Every instance runs it, so the work must be
 * idempotent and safe to run concurrently.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private running: Promise<void> | null = null;

  protected constructor(private readonly scheduler: SchedulerRegistry) {}

  /** Unique among the app's jobs: the scheduler registry's key. */
  protected abstract readonly jobName: string;
  protected abstract intervalMs(): number;
  /** One run; it may throw (logged). */
  protected abstract work(): Promise<void>;

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.run(), Math.min(this.intervalMs(), MAX_TIMER_DELAY_MS));
    // A pending run is no reason to keep the process alive.
    timer.unref();
    this.scheduler.addInterval(this.jobName, timer);
  }

  /** Lets a run in progress finish before the database connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.running;
  }

  /** One run now, unless one is in progress (then that one's promise). */
  run(): Promise<void> {
    this.running ??= this.workLogged().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async workLogged(): Promise<void> {
    try {
      await this.work();
    } catch (error) {
      // The next tick tries again; failing here must not take the process down.
      this.logger.error(`${this.jobName} failed`, error instanceof Error ? error.stack : error);
    }
  }
}
