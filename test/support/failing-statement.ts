import pg from 'pg';

interface PendingFailure {
  readonly database: string;
  readonly name: string;
  readonly fail: () => void;
}

const pending = new Set<PendingFailure>();
let installed = false;

/**
 * Wraps `pg.Client#query`, the one door every statement goes through (as
 * statement-recorder.ts does), so that a statement can be answered with an
 * error before it is sent. Jest gives each test file its own module registry:
 * this wraps only the `pg` of the file that calls it, and the apps it created.
 */
function install(): void {
  if (installed) return;
  installed = true;
  const prototype = pg.Client.prototype as unknown as Record<'query', (...args: unknown[]) => unknown>;
  const query = prototype.query;
  prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const name = (args[0] as { name?: unknown } | undefined)?.name;
    const failure = [...pending].find((one) => one.database === this.database && one.name === name);
    if (!failure) return query.apply(this, args);
    pending.delete(failure);
    failure.fail();
    const error = new Error(`statement ${failure.name} failed (injected by the test)`);
    const callback = args.find((arg): arg is (error: Error) => void => typeof arg === 'function');
    if (callback) {
      setImmediate(() => callback(error));
      return undefined;
    }
    return Promise.reject(error);
  };
}

/**
 * The next statement named `name` (a repository's `sql(name, …)`) sent to
 * `database` (its name) fails with a plain error, once, as a real database
 * answers one statement in a while (a reset, a timeout, a failover); every
 * other statement reaches PostgreSQL as usual. Resolves once it has failed.
 * Named statements only: behind a transaction pooler statements go unnamed.
 */
export function failNextStatement(database: string, name: string): Promise<void> {
  install();
  return new Promise((resolve) => pending.add({ database, name, fail: resolve }));
}
