import { type Logger, pino } from 'pino';

export const DEFAULT_LOG_BUFFER_BYTES = 4 * 1024 * 1024;

/** How long the exit may wait for a full stdout to take the last lines. */
const EXIT_FLUSH_MS = 1_000;

export type StdoutDestination = ReturnType<typeof pino.destination>;

/**
 * The JSON log's stdout: pino's asynchronous writer (sonic-boom), as pino
 * would make it, with two changes for a stdout nobody reads (a stuck log
 * shipper, a full `docker logs` buffer).
 *
 * - At most `bufferBytes` wait in memory; a line that does not fit is dropped,
 *   not queued. A stuck reader must not take the service down with it, nor
 *   slow its requests down to its own pace, so dropping beats blocking.
 *   `reportDrops` says how many went once the pipe drains.
 * - At exit, what is left gets EXIT_FLUSH_MS for a slow reader to take it;
 *   then the rest is lost. pino's own exit hook retries a full pipe forever,
 *   which kept a process that had finished shutting down alive for as long
 *   as nobody read.
 */
export function stdoutDestination(bufferBytes: number): StdoutDestination {
  let exitBy = Infinity;
  // Registered before pino.destination registers its own exit hook, so it runs first.
  process.once('exit', () => {
    exitBy = Date.now() + EXIT_FLUSH_MS;
    try {
      destination.flushSync();
    } catch {
      // The pipe is full (EAGAIN) or gone (EPIPE): what did not fit is lost.
    }
    // pino's exit hook skips a destroyed stream.
    destination.destroy();
  });
  const destination = pino.destination({
    // process.stdout.fd makes Node open stdout as a stream, which puts a pipe
    // in non-blocking mode: a full pipe answers EAGAIN instead of hanging a write.
    dest: process.stdout.fd,
    sync: false,
    maxLength: bufferBytes,
    // Writes still go out as soon as there is anything to write; but with a
    // minLength above 0 sonic-boom's flush(cb) waits until what is in flight
    // has been written (at 0 it calls back at once), so main.ts can log why it
    // exits and know the line left before process.exit drops it.
    minLength: 1,
    // A full pipe is retried every 100 ms: while running, until it drains; at exit, until exitBy.
    retryEAGAIN: () => Date.now() < exitBy,
  });
  return destination;
}

/**
 * Counts the lines `destination` drops and, once the pipe has taken
 * everything it held, logs one warning saying how many there were. Counting
 * costs nothing while nothing is dropped.
 */
export function reportDrops(destination: StdoutDestination, logger: Logger, bufferBytes: number): void {
  let dropped = 0;
  destination.on('drop', () => {
    dropped++;
  });
  destination.on('drain', () => {
    if (dropped === 0) return;
    const droppedLogLines = dropped;
    dropped = 0;
    logger.warn(
      { context: 'Logging', droppedLogLines },
      `Dropped ${droppedLogLines} log lines: stdout was not being read and ${bufferBytes} bytes ` +
        '(LOG_BUFFER_BYTES) were already waiting',
    );
  });
}
