/** The earliest a timer fires after it last fired: no busy loop when the app's clock runs ahead of the database's. */
const MIN_INTERVAL_MS = 1_000;
/** Timers longer than this are re-armed (setTimeout takes 32-bit milliseconds). */
const MAX_TIMER_MS = 60 * 60 * 1000;

/**
 * One timer for the earliest of many due times: `arm(at)` brings it forward,
 * never back, and it fires at most once a second. Stopped for good at shutdown.
 */
export class EarliestTimer {
  private timer?: NodeJS.Timeout;
  private armedFor = Infinity;
  private lastFired = 0;

  constructor(private readonly onDue: (firedAt: number) => void) {}

  /** Fires at `at` (ms since the epoch) unless already armed for an earlier time. */
  arm(at: number): void {
    if (at >= this.armedFor) return;
    clearTimeout(this.timer);
    this.armedFor = at;
    const earliest = this.lastFired + MIN_INTERVAL_MS;
    const delay = Math.min(Math.max(at, earliest) - Date.now(), MAX_TIMER_MS);
    this.timer = setTimeout(() => this.fire(), Math.max(0, delay));
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.armedFor = -Infinity; // no re-arming once shutting down
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    this.lastFired = Date.now();
    this.onDue(this.lastFired);
  }
}
