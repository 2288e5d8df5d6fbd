import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import type pg from 'pg';

/**
 * CPU time spent per request, by the server process and by the PostgreSQL
 * backends serving it. On a shared machine this is steadier than requests/s:
 * other processes stealing the cores lower the throughput, but barely change
 * how much CPU one request needs. Linux only (/proc); elsewhere it is absent.
 */
export interface CpuSnapshot {
  readonly server: number;
  /** Seconds per backend pid. */
  readonly postgres: Map<number, number>;
}

export interface CpuPerRequest {
  /** Microseconds of CPU (user + system) per request. */
  readonly serverMicros: number;
  /** 0 when PostgreSQL is not on this machine (DATABASE_URL elsewhere). */
  readonly postgresMicros: number;
}

const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** utime + stime of a process, in seconds; undefined when /proc cannot tell. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The backends of every client but the benchmark itself (its pool names itself 'bench'). */
async function postgresBackends(pool: pg.Pool): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND application_name <> 'bench' AND datname = current_database()`,
  );
  return rows.map((row) => row.pid);
}

/** Where to look: the server's pid, and PostgreSQL's backends when they run on this machine. */
export interface CpuSources {
  readonly serverPid: number;
  readonly localPostgres?: pg.Pool;
}

export async function cpuSnapshot({
  serverPid,
  localPostgres,
}: CpuSources): Promise<CpuSnapshot | undefined> {
  const server = processCpuSeconds(serverPid);
  if (server === undefined) return undefined;
  const postgres = new Map<number, number>();
  for (const pid of localPostgres ? await postgresBackends(localPostgres) : []) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== undefined) postgres.set(pid, seconds);
  }
  return { server, postgres };
}

export async function cpuPerRequest(
  before: CpuSnapshot | undefined,
  sources: CpuSources,
  requests: number,
): Promise<CpuPerRequest | undefined> {
  const after = await cpuSnapshot(sources);
  if (!before || !after || requests === 0) return undefined;
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
  return {
    serverMicros: ((after.server - before.server) / requests) * 1e6,
    postgresMicros: (postgres / requests) * 1e6,
  };
}
