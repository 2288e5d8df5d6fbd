import pg from 'pg';

/** One SQL statement as the app sent it to PostgreSQL. */
export interface RecordedStatement {
  readonly text: string;
  readonly values: unknown[];
}

interface Recording {
  readonly database: string;
  readonly statements: RecordedStatement[];
}

const recordings = new Set<Recording>();
let installed = false;

/**
 * Wraps `pg.Client#query`, the one door every statement goes through, whether
 * TypeORM builds it or the app runs a prepared statement on the pool. Jest
 * gives each test file its own module registry, so this wraps only the `pg`
 * of the file that calls it.
 */
function install(): void {
  if (installed) return;
  installed = true;
  const prototype = pg.Client.prototype as unknown as Record<'query', (...args: unknown[]) => unknown>;
  const query = prototype.query;
  prototype.query = function (this: pg.Client, ...args: unknown[]) {
    for (const recording of recordings) {
      if (recording.database === this.database) recording.statements.push(statementOf(args));
    }
    return query.apply(this, args);
  };
}

function statementOf([config, values]: unknown[]): RecordedStatement {
  if (typeof config === 'string') return { text: config, values: Array.isArray(values) ? values : [] };
  const { text, values: configValues } = config as { text: string; values?: unknown[] };
  return { text, values: Array.isArray(values) ? values : (configValues ?? []) };
}

/** The statements sent to `database` (its name) while `action` ran. */
export async function recordStatements(
  database: string,
  action: () => Promise<unknown>,
): Promise<RecordedStatement[]> {
  install();
  const recording: Recording = { database, statements: [] };
  recordings.add(recording);
  try {
    await action();
  } finally {
    recordings.delete(recording);
  }
  return recording.statements;
}
