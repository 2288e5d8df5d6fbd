import { CoalescingLookup } from './coalescing-lookup.js';

interface Row {
  id: string;
  name: string;
}

/** A lookup over `rows` that records the keys of each statement it would send. */
function lookupOver(rows: Row[], fail?: (keys: readonly string[]) => boolean) {
  const statements: string[][] = [];
  const lookup = new CoalescingLookup<string, Row>(
    (keys) => {
      statements.push([...keys]);
      if (fail?.(keys)) return Promise.reject(new Error('connection terminated'));
      // In reverse, as a database may: answers are matched by key, not position.
      return Promise.resolve(rows.filter((row) => keys.includes(row.id)).reverse());
    },
    (row) => row.id,
  );
  return { lookup, statements };
}

describe('CoalescingLookup', () => {
  const rows = [
    { id: 'a', name: 'Alice' },
    { id: 'b', name: 'Bob' },
  ];

  it('sends the keys asked for in one turn of the event loop as one statement, answering each by key', async () => {
    const { lookup, statements } = lookupOver(rows);

    const answers = await Promise.all(['a', 'missing', 'b', 'a'].map((key) => lookup.find(key)));

    expect(statements).toEqual([['a', 'missing', 'b', 'a']]);
    expect(answers).toEqual([rows[0], undefined, rows[1], rows[0]]);
  });

  it('remembers nothing: a key asked for again later is looked up again', async () => {
    const { lookup, statements } = lookupOver(rows);

    await lookup.find('a');
    rows[0].name = 'Alice, renamed';
    const later = await lookup.find('a');

    expect(statements).toEqual([['a'], ['a']]);
    expect(later?.name).toBe('Alice, renamed');
  });

  it('rejects every lookup of a failed statement, and the next batch is served', async () => {
    let failing = true;
    const { lookup } = lookupOver(rows, () => failing);

    const failed = await Promise.allSettled([lookup.find('a'), lookup.find('b')]);
    failing = false;

    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(lookup.find('b')).resolves.toEqual(rows[1]);
  });

  it('splits a crowd into statements of at most 100 keys', async () => {
    const { lookup, statements } = lookupOver(rows);

    await Promise.all(Array.from({ length: 250 }, (_, i) => lookup.find(`key-${i}`)));

    expect(statements.map((keys) => keys.length)).toEqual([100, 100, 50]);
  });

  it('answers a list lookup with every row of each key, in the statement order, and keys without rows with nothing', async () => {
    const statements: string[][] = [];
    const sessions = [
      { userId: 'a', id: 'a2' },
      { userId: 'b', id: 'b1' },
      { userId: 'a', id: 'a1' },
    ];
    const lookup = CoalescingLookup.ofLists<string, { userId: string; id: string }>(
      (keys) => {
        statements.push([...keys]);
        return Promise.resolve(sessions.filter((row) => keys.includes(row.userId)));
      },
      (row) => row.userId,
    );

    const [a, b, none, again] = await Promise.all([
      lookup.find('a'),
      lookup.find('b'),
      lookup.find('nobody'),
      lookup.find('a'),
    ]);

    expect(statements).toEqual([['a', 'b', 'nobody', 'a']]);
    expect(a?.map((row) => row.id)).toEqual(['a2', 'a1']);
    expect(again?.map((row) => row.id)).toEqual(['a2', 'a1']);
    expect(b?.map((row) => row.id)).toEqual(['b1']);
    expect(none).toBeUndefined();
  });
});
