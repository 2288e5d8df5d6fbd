import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

import { PeriodicJob } from './periodic-job.js';

/** A job whose runs the test finishes by hand. */
class ManualJob extends PeriodicJob {
  protected readonly jobName = 'manual-job';
  runs = 0;
  finishRun: (() => void) | undefined;
  failNext = false;

  constructor(
    scheduler: SchedulerRegistry,
    private readonly everyMs: number,
  ) {
    super(scheduler);
  }

  protected intervalMs(): number {
    return this.everyMs;
  }

  protected work(): Promise<void> {
    this.runs += 1;
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('database went away'));
    }
    return new Promise((finish) => {
      this.finishRun = finish;
    });
  }
}

describe('PeriodicJob', () => {
  let scheduler: SchedulerRegistry;

  beforeEach(() => {
    scheduler = new SchedulerRegistry();
  });

  afterEach(() => {
    for (const name of scheduler.getIntervals()) scheduler.deleteInterval(name);
  });

  it('never overlaps: a run asked for while one is going joins it instead of starting another', async () => {
    const job = new ManualJob(scheduler, 60_000);

    const first = job.run();
    const second = job.run();
    expect(job.runs).toBe(1);
    job.finishRun?.();
    await Promise.all([first, second]);

    const third = job.run();
    expect(job.runs).toBe(2);
    job.finishRun?.();
    await third;
  });

  it('logs a failed run and keeps going: the promise resolves and the next run starts', async () => {
    const job = new ManualJob(scheduler, 60_000);
    job.failNext = true;
    const logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    await expect(job.run()).resolves.toBeUndefined();
    expect(logError).toHaveBeenCalledWith('manual-job failed', expect.stringContaining('database went away'));
    logError.mockRestore();

    const next = job.run();
    expect(job.runs).toBe(2);
    job.finishRun?.();
    await next;
  });

  it('waits at shutdown for the run in progress, so the database is not closed under it', async () => {
    const job = new ManualJob(scheduler, 60_000);
    void job.run();
    let drained = false;
    const shutdown = job.beforeApplicationShutdown().then(() => {
      drained = true;
    });

    await new Promise((tick) => setImmediate(tick));
    expect(drained).toBe(false);
    job.finishRun?.();
    await shutdown;
    expect(drained).toBe(true);
  });

  it('registers one unref-ed timer with the scheduler, capped where setInterval would misfire', () => {
    const job = new ManualJob(scheduler, 40 * 24 * 60 * 60 * 1000);
    job.onApplicationBootstrap();

    const timer = scheduler.getInterval<NodeJS.Timeout>('manual-job');
    expect(timer.hasRef()).toBe(false);
    // 40 days is past 2^31 - 1 ms: Node would fire it every millisecond instead.
    expect((timer as unknown as { _idleTimeout: number })._idleTimeout).toBe(2 ** 31 - 1);
  });
});
