import DataLoader from 'dataloader';

/** Keys one statement may carry: bounds the array parameter and the rows of one answer. */
const MAX_KEYS_PER_STATEMENT = 100;

/**
 * Finds rows by key, sending the keys that concurrent requests ask for in the
 * same turn of the event loop as one statement (`WHERE key = ANY($1)`).
 *
 * Under load many requests are in flight at once, and each would otherwise pay
 * a round trip of its own: the socket write, the wake-up of a PostgreSQL
 * backend, and the parsing of a row description, per request. Coalesced, a
 * batch pays them once, and PostgreSQL runs one statement where it ran many.
 *
 * Nothing is remembered: every lookup is answered by a statement sent after it
 * was asked for, so a row deleted before a request arrived is never returned
 * to it (a session ended on one instance is refused by every instance on the
 * very next request). The batch is dispatched with `setImmediate`, after the
 * event loop has handed over every request whose bytes arrived together; the
 * microtask-based default of DataLoader would dispatch each request alone.
 */
export class CoalescingLookup<TKey, TRow> {
  private readonly loader: DataLoader<TKey, TRow | undefined>;

  constructor(
    /** One statement for all of `keys`; rows may come in any order, missing ones are "not found". */
    findAll: (keys: readonly TKey[]) => Promise<TRow[]>,
    keyOf: (row: TRow) => TKey,
  ) {
    this.loader = new DataLoader<TKey, TRow | undefined>(
      async (keys) => {
        const rows = new Map((await findAll(keys)).map((row) => [keyOf(row), row]));
        return keys.map((key) => rows.get(key));
      },
      {
        cache: false,
        maxBatchSize: MAX_KEYS_PER_STATEMENT,
        batchScheduleFn: (dispatch) => setImmediate(dispatch),
      },
    );
  }

  /** The row for `key`, or `undefined`; rejects when the batch's statement fails. */
  find(key: TKey): Promise<TRow | undefined> {
    return this.loader.load(key);
  }

  /**
   * The same coalescing for statements that return several rows per key (a
   * user's sessions): each key is answered with all of its rows, in the order
   * the statement returned them, or `undefined` when it has none.
   */
  static ofLists<TKey, TRow>(
    findAll: (keys: readonly TKey[]) => Promise<TRow[]>,
    keyOf: (row: TRow) => TKey,
  ): CoalescingLookup<TKey, TRow[]> {
    return new CoalescingLookup<TKey, TRow[]>(
      async (keys) => {
        const groups = new Map<TKey, TRow[]>(keys.map((key) => [key, []]));
        for (const row of await findAll(keys)) groups.get(keyOf(row))?.push(row);
        return [...groups.values()].filter((rows) => rows.length > 0);
      },
      // Every group handed back holds at least one row, all of its own key.
      (rows) => keyOf(rows[0]),
    );
  }
}
