import type { DestinationStream } from 'pino';

export type LogLine = Record<string, unknown> & { msg?: string; requestId?: string };

/**
 * A pino destination that keeps every JSON line, raw and parsed. A request's
 * line is written when its response finishes, which may be just after the
 * client has read the response: `waitFor` waits for the line to arrive.
 */
export class LogCapture implements DestinationStream {
  readonly raw: string[] = [];
  private readonly waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> =
    [];

  write(chunk: string): void {
    this.raw.push(chunk);
    const line = JSON.parse(chunk) as LogLine;
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(line)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  }

  get lines(): LogLine[] {
    return this.raw.map((chunk) => JSON.parse(chunk) as LogLine);
  }

  /** Everything written so far, as one string, to search for leaked secrets. */
  get text(): string {
    return this.raw.join('');
  }

  /** The "request completed" line of the request with this id, once written. */
  requestLine(requestId: string | null): Promise<LogLine> {
    if (!requestId) throw new Error('the response has no x-request-id header');
    return this.waitFor((line) => line.requestId === requestId && typeof line.durationMs === 'number');
  }

  waitFor(match: (line: LogLine) => boolean): Promise<LogLine> {
    const written = this.lines.find(match);
    if (written) return Promise.resolve(written);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}
