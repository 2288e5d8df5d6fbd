/**
 * A push-fed async iterator for one subscription. `push` resolves once the
 * consumer has asked for the value after it, which for graphql-ws means the
 * pushed one was executed and written to the socket: `currentSessionEnded`
 * waits for that before the socket is closed, so the event is never cut off.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly queue: Array<{ value: T; delivered: () => void }> = [];
  private waiting?: (result: IteratorResult<T>) => void;
  /** Settles the value handed out last, when the consumer comes back for more. */
  private handedOut?: () => void;
  private finished = false;

  constructor(private readonly onFinish: () => void = () => undefined) {}

  push(value: T): Promise<void> {
    if (this.finished) return Promise.resolve();
    return new Promise((delivered) => {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        this.handedOut = delivered;
        resolve({ value, done: false });
      } else {
        this.queue.push({ value, delivered });
      }
    });
  }

  next(): Promise<IteratorResult<T>> {
    this.settleHandedOut();
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    const queued = this.queue.shift();
    if (queued) {
      this.handedOut = queued.delivered;
      return Promise.resolve({ value: queued.value, done: false });
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The client completed the operation, or the socket closed. */
  return(): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.settleHandedOut();
    for (const { delivered } of this.queue.splice(0)) delivered();
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
    this.onFinish();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private settleHandedOut(): void {
    this.handedOut?.();
    this.handedOut = undefined;
  }
}
