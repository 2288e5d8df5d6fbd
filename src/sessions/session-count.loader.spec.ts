import { SessionCountLoaderFactory } from './session-count.loader.js';
import type { SessionsService } from './sessions.service.js';

describe('SessionCountLoaderFactory', () => {
  function factoryCounting(counts: Record<string, number>) {
    const batches: string[][] = [];
    const sessions = {
      countActiveByUser: (userIds: readonly string[]) => {
        batches.push([...userIds]);
        return Promise.resolve(new Map(Object.entries(counts).filter(([id]) => userIds.includes(id))));
      },
    } as unknown as SessionsService;
    return { factory: new SessionCountLoaderFactory(sessions), batches };
  }

  it('counts every user asked for in the same tick with one query, and 0 for a user without sessions', async () => {
    const { factory, batches } = factoryCounting({ alice: 3, bob: 1 });
    const loader = factory.create();

    const counts = await Promise.all(['alice', 'bob', 'carol', 'alice'].map((id) => loader.load(id)));

    expect(counts).toEqual([3, 1, 0, 3]);
    expect(batches).toHaveLength(1);
  });

  it('asks again after a write instead of answering from a cache', async () => {
    const counts = { alice: 3 };
    const { factory, batches } = factoryCounting(counts);
    const loader = factory.create();

    await expect(loader.load('alice')).resolves.toBe(3);
    counts.alice = 1;

    await expect(loader.load('alice')).resolves.toBe(1);
    expect(batches).toHaveLength(2);
  });

  it('gives every request its own loader', () => {
    const { factory } = factoryCounting({});

    expect(factory.create()).not.toBe(factory.create());
  });
});
