import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';

import { type RunningPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

/**
 * How PostgreSQL goes away, as an operator or a failover makes it: `fast`
 * (SIGINT: every backend is told "terminating connection due to administrator
 * command", 57P01) and `immediate` (SIGQUIT: backends exit at once, clients
 * see the socket close).
 */
export type ShutdownMode = 'fast' | 'immediate';

const SIGNAL_OF: Record<ShutdownMode, NodeJS.Signals> = { fast: 'SIGINT', immediate: 'SIGQUIT' };

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A PostgreSQL of one test file's own, kept on disk so that it can be stopped
 * in a chosen mode and started again on the same port while the apps under
 * test keep running (their pools reconnect to the same URL).
 */
export class StoppablePostgres {
  private running: RunningPostgres | undefined;

  private constructor(
    private readonly dataDir: string,
    private readonly databaseName: string,
    readonly port: number,
    first: RunningPostgres,
  ) {
    this.running = first;
  }

  static async start(dataDir: string, databaseName: string): Promise<StoppablePostgres> {
    const first = await startEmbeddedPostgres({ dataDir, databaseName });
    return new StoppablePostgres(dataDir, databaseName, Number(new URL(first.url).port), first);
  }

  get url(): string {
    return this.current().url;
  }

  get adminUrl(): string {
    return this.current().adminUrl;
  }

  /** Signals the postmaster itself, so the mode is the one asked for, and waits until it has exited. */
  async stop(mode: ShutdownMode): Promise<void> {
    this.current();
    const pidFile = await readFile(resolve(this.dataDir, 'postgres', 'postmaster.pid'), 'utf8');
    const pid = Number(pidFile.split('\n')[0]);
    // Forgotten first: embedded-postgres's own stop() would wait for an exit it already saw.
    this.running = undefined;
    process.kill(pid, SIGNAL_OF[mode]);
    while (isRunning(pid)) await sleep(20);
  }

  /** Starts the stopped cluster again where its clients expect it (recovering first after `immediate`). */
  async restart(): Promise<void> {
    if (this.running) throw new Error('PostgreSQL is already running');
    this.running = await startEmbeddedPostgres({
      dataDir: this.dataDir,
      databaseName: this.databaseName,
      port: this.port,
    });
  }

  /** `pg_terminate_backend` of every connection named `applicationName`; how many were ended. */
  async terminateBackends(applicationName: string): Promise<number> {
    const rows = await this.admin<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ended
         FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
      [applicationName],
    );
    return rows.filter((row) => row.ended).length;
  }

  /** How many connections named `applicationName` are open (what a stop would end). */
  async countBackends(applicationName: string): Promise<number> {
    const [row] = await this.admin<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
      [applicationName],
    );
    return row.n;
  }

  private async admin<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    const admin = new pg.Client({ connectionString: this.adminUrl });
    await admin.connect();
    try {
      return (await admin.query<T>(text, values)).rows;
    } finally {
      await admin.end();
    }
  }

  async close(): Promise<void> {
    await this.running?.stop();
    this.running = undefined;
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private current(): RunningPostgres {
    if (!this.running) throw new Error('PostgreSQL is stopped');
    return this.running;
  }
}
