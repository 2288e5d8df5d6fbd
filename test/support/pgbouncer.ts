import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';

import { findFreePort } from '../../src/database/free-port.js';
import { postgresAccount } from '../../src/database/postgres-user-access.js';

/** Debian's package (`apt-get install pgbouncer`); PGBOUNCER_PATH for another. */
export const PGBOUNCER_BINARY = process.env.PGBOUNCER_PATH ?? '/usr/sbin/pgbouncer';

export const pgbouncerInstalled = (): boolean => existsSync(PGBOUNCER_BINARY);

/** Whether this run goes through PgBouncer (TEST_DATABASE_POOLER=pgbouncer, see global-setup). */
export const testPoolerRequested = (): boolean => process.env.TEST_DATABASE_POOLER === 'pgbouncer';

/**
 * The settings the service needs from PgBouncer in transaction mode (documented
 * in docs/scaling.md), with the retry and wait shortened for tests. Nothing is
 * ignored or tracked: with DATABASE_POOLER=transaction the service sends no
 * start-up parameter PgBouncer does not know.
 */
const TRANSACTION_MODE = {
  pool_mode: 'transaction',
  default_pool_size: 20,
  max_client_conn: 1000,
  // After a failed server login, try again this soon (default 15 s): the outage test
  // expects service again as soon as PostgreSQL is back.
  server_login_retry: 1,
  // A client waiting for a server connection longer than this gets an error (08P01),
  // which the app answers SERVICE_UNAVAILABLE, instead of hanging (default 120 s).
  query_wait_timeout: 5,
};

export interface RunningPgBouncer {
  readonly port: number;
  /** The pgbouncer process, e.g. to read its CPU time. */
  readonly pid: number;
  /** The same database and credentials as `directUrl`, through this PgBouncer. */
  url(directUrl: string): string;
  stop(): Promise<void>;
}

/**
 * Starts a real PgBouncer in front of the PostgreSQL `directUrl` names (every
 * database on it, same user and password), on a free port, with its own ini
 * and userlist in a temp dir. PgBouncer refuses to run as root: as root it
 * switches to the `postgres` user, which must be able to read the files.
 */
export async function startPgBouncer(
  directUrl: string,
  settings: Record<string, string | number> = {},
): Promise<RunningPgBouncer> {
  if (!pgbouncerInstalled()) throw new Error(`${PGBOUNCER_BINARY} not found: apt-get install -y pgbouncer`);
  const target = new URL(directUrl);
  const user = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  const port = await findFreePort();
  const dir = await mkdtemp(join(tmpdir(), 'pgbouncer-'));
  const asRoot = userInfo().uid === 0;
  const host = target.hostname === 'localhost' ? '127.0.0.1' : target.hostname;
  const ini = [
    '[databases]',
    `* = host=${host} port=${target.port || 5432}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = scram-sha-256',
    `auth_file = ${join(dir, 'userlist.txt')}`,
    ...Object.entries({ ...TRANSACTION_MODE, ...settings }).map(([key, value]) => `${key} = ${value}`),
    ...(asRoot ? ['user = postgres'] : []),
  ].join('\n');
  await writeFile(join(dir, 'pgbouncer.ini'), `${ini}\n`, { mode: 0o600 });
  await writeFile(join(dir, 'userlist.txt'), `${quote(user)} ${quote(password)}\n`, { mode: 0o600 });
  if (asRoot) {
    const account = await postgresAccount();
    await chmod(dir, 0o700);
    for (const path of [dir, join(dir, 'pgbouncer.ini'), join(dir, 'userlist.txt')]) {
      await chown(path, account.uid, account.gid);
    }
  }

  const child = spawn(PGBOUNCER_BINARY, [join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const output: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    pid: child.pid!,
    url: (databaseUrl) => {
      const pooled = new URL(databaseUrl);
      pooled.hostname = '127.0.0.1';
      pooled.port = String(port);
      return pooled.toString();
    },
    stop,
  };
}

/**
 * What a database needs when the app reaches it through a transaction pooler:
 * its statement timeout on the server side (here on the database; in
 * production on the role), as the app's start-up check would advise.
 */
export async function setStatementTimeout(directUrl: string, milliseconds: number): Promise<void> {
  const client = new pg.Client({ connectionString: directUrl });
  await client.connect();
  try {
    const database = new URL(directUrl).pathname.slice(1);
    await client.query(
      `ALTER DATABASE ${pg.escapeIdentifier(database)} SET statement_timeout = '${Math.trunc(milliseconds)}ms'`,
    );
  } finally {
    await client.end();
  }
}

const quote = (value: string): string => `"${value.replaceAll('"', '""')}"`;

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // SIGTERM: immediate shutdown (SIGINT would wait for clients to disconnect).
  child.kill('SIGTERM');
  const stuck = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(stuck);
}

async function waitForPort(port: number, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}): ${output.join('')}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    }).catch(() => false);
    if (open) return;
    await sleep(50);
  }
  throw new Error(`pgbouncer did not listen on ${port} within 10 s: ${output.join('')}`);
}
