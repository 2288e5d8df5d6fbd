import { EventStream } from './event-stream.js';

describe('EventStream', () => {
  it('hands out values in order and says a value was delivered only when the next one is asked for', async () => {
    const stream = new EventStream<number>();
    let delivered = false;
    const first = stream.push(1).then(() => (delivered = true));
    void stream.push(2);

    expect(await stream.next()).toEqual({ value: 1, done: false });
    await Promise.resolve();
    expect(delivered).toBe(false);

    expect(await stream.next()).toEqual({ value: 2, done: false });
    await first;
    expect(delivered).toBe(true);
  });

  it('wakes a waiting consumer, and ends it (and every pending push) when finished', async () => {
    let finished = 0;
    const stream = new EventStream<string>(() => finished++);
    const waiting = stream.next();
    const pushed = stream.push('a');
    expect(await waiting).toEqual({ value: 'a', done: false });

    const next = stream.next();
    await pushed;
    await stream.return();
    expect(await next).toEqual({ value: undefined, done: true });
    await stream.push('ignored');
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(finished).toBe(1);
  });
});
