import 'reflect-metadata';

import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

import { PasswordHasher } from '../src/auth/password-hasher.js';
import { type RunningPgBouncer, startPgBouncer } from '../test/support/pgbouncer.js';
import { processCpuSeconds } from './support/cpu.js';
import { Seeder, startBenchDatabase } from './support/database.js';
import { graphqlOk } from './support/http.js';
import { measureThroughput, type ThroughputOptions } from './support/load.js';
import { startRawServer } from './support/reference-servers.js';
import { spread } from './support/rounds.js';
import { bearer, EXPECTED_BODY, PASSWORD, QUERIES } from './support/scenarios.js';
import { ServerProcess } from './support/server-process.js';

/**
 * `npm run bench:compare -- before=/tmp/a/dist/src/main.js after=dist/src/main.js`
 * `npm run bench:compare -- direct=dist/src/main.js pgbouncer=dist/src/main.js@pgbouncer`
 *
 * A build given as `…@pgbouncer` reaches the same database through a PgBouncer
 * in transaction mode that the run starts (DATABASE_POOLER=transaction, the
 * statement timeout on the database); PgBouncer's own CPU per request is
 * reported beside the table. `…@unnamed` runs with DATABASE_POOLER=transaction
 * but straight to PostgreSQL: what the pooled mode's SQL costs without the hop.
 *
 * What one change gains, measured fairly on a shared machine: every build runs
 * at once against the same database, and the builds take turns, scenario by
 * scenario, for BENCH_ROUNDS rounds (5) of BENCH_DURATION seconds (5). Each
 * build's median is compared with the first build's. Interleaving spreads the
 * machine's other load over all builds instead of landing on one of them.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const RAW_FLOOR = process.env.BENCH_RAW_FLOOR === '1';
const RAW_LABEL = 'raw node:http + pg';
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'floor,meId,meCount').split(',') as Array<
  'floor' | 'meId' | 'meCount'
>;

async function main(): Promise<void> {
  const started = new Date();
  const builds = process.argv.slice(2).map((argument) => {
    const [label, target] = argument.split('=');
    if (!label || !target) throw new Error(`expected label=path/to/main.js, got ${argument}`);
    const [entry, via] = target.split('@');
    if (via !== undefined && via !== 'pgbouncer' && via !== 'unnamed') throw new Error(`unknown @${via}`);
    return { label, entry, pooled: via === 'pgbouncer', poolerMode: via !== undefined };
  });
  if (builds.length < 2) throw new Error('give at least two builds: label=path/to/main.js …');

  const database = await startBenchDatabase();
  const servers: ServerProcess[] = [];
  let raw: ServerProcess | undefined;
  let pgbouncer: RunningPgBouncer | undefined;
  const pgbouncerCpu = new Map<string, number[]>();
  try {
    if (builds.some((build) => build.poolerMode)) {
      if (builds.some((build) => build.pooled)) pgbouncer = await startPgBouncer(database.url);
      await database.pool.query(
        `ALTER DATABASE ${new URL(database.url).pathname.slice(1)} SET statement_timeout = '10s'`,
      );
    }
    // One at a time: the first migrates, the others find nothing to do.
    for (const build of builds)
      servers.push(
        await ServerProcess.start({
          entry: build.entry,
          databaseUrl: build.pooled && pgbouncer ? pgbouncer.url(database.url) : database.url,
          env: build.poolerMode ? { DATABASE_POOLER: 'transaction' } : {},
        }),
      );
    if (RAW_FLOOR) raw = await startRawServer(database.url, true);
    const seeder = new Seeder(database.pool, await new PasswordHasher().hash(PASSWORD));
    const readers = await seeder.usersWithTokens('reader-', 100, 9);
    await seeder.crowd('crowd-', 900, 10, 0.1);
    await seeder.settle();

    const samples = new Map<string, number[]>();
    const serverCpu = new Map<string, number[]>();
    const postgresCpu = new Map<string, number[]>();
    const statements = new Map<string, number>();
    for (const scenario of SCENARIOS) {
      for (const [index, server] of servers.entries()) {
        const headers = scenario === 'floor' ? {} : bearer(readers[0]);
        const sent = await server.statementsDuring(() => graphqlOk(server.url, QUERIES[scenario], headers));
        statements.set(`${scenario}/${builds[index].label}`, sent.length);
      }
    }
    const loads: number[] = [];
    const common = (
      round: number,
    ): Pick<ThroughputOptions, 'connections' | 'durationSeconds' | 'warmupSeconds'> => ({
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      warmupSeconds: round === 0 ? 2 : 0,
    });
    for (let round = 0; round < ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        // Rotate who goes first, so no build always follows the same neighbour.
        for (let turn = 0; turn < servers.length; turn++) {
          const index = (turn + round) % servers.length;
          const bouncerBefore = pgbouncer && processCpuSeconds(pgbouncer.pid);
          const result = await measureThroughput({
            url: servers[index].url,
            query: QUERIES[scenario],
            ...common(round),
            perConnection:
              scenario === 'floor' ? undefined : (i) => ({ headers: bearer(readers[i % readers.length]) }),
            verifyBody: (body) => EXPECTED_BODY[scenario].test(body),
            cpu: { serverPid: servers[index].pid, localPostgres: database.local ? database.pool : undefined },
          });
          if (result.failures > 0)
            throw new Error(`${builds[index].label} ${scenario}: ${result.failures} failures`);
          const key = `${scenario}/${builds[index].label}`;
          const bouncerAfter = pgbouncer && processCpuSeconds(pgbouncer.pid);
          if (builds[index].pooled && bouncerBefore !== undefined && bouncerAfter !== undefined) {
            const micros = ((bouncerAfter - bouncerBefore) * 1e6) / Math.max(1, result.requests);
            pgbouncerCpu.set(key, [...(pgbouncerCpu.get(key) ?? []), micros]);
          }
          samples.set(key, [...(samples.get(key) ?? []), result.requestsPerSecond]);
          if (result.cpu) {
            serverCpu.set(key, [...(serverCpu.get(key) ?? []), result.cpu.serverMicros]);
            postgresCpu.set(key, [...(postgresCpu.get(key) ?? []), result.cpu.postgresMicros]);
          }
          loads.push(loadavg()[0]);
        }
        if (raw && scenario === 'floor') {
          const result = await measureThroughput({
            ...common(round),
            url: raw.url,
            query: QUERIES.floor,
            verifyBody: (body) => EXPECTED_BODY.floor.test(body),
            cpu: { serverPid: raw.pid, localPostgres: database.local ? database.pool : undefined },
          });
          if (result.failures > 0) throw new Error(`${RAW_LABEL}: ${result.failures} failures`);
          const key = `floor/${RAW_LABEL}`;
          samples.set(key, [...(samples.get(key) ?? []), result.requestsPerSecond]);
          if (result.cpu) {
            serverCpu.set(key, [...(serverCpu.get(key) ?? []), result.cpu.serverMicros]);
            postgresCpu.set(key, [...(postgresCpu.get(key) ?? []), result.cpu.postgresMicros]);
          }
        }
      }
      process.stdout.write(`round ${round + 1}/${ROUNDS} done\n`);
    }

    const others = builds.slice(1);
    const range = (values: number[], digits = 0): string => {
      const { median: middle, min, max } = spread(values);
      return `${middle.toFixed(digits)} [${min.toFixed(digits)}–${max.toFixed(digits)}]`;
    };
    const lines = [
      `| scenario | ${builds.map((build) => `${build.label}: req/s [min–max], CPU µs/req server + PostgreSQL (SQL)`).join(' | ')} | ${others
        .map((build) => `${build.label} / ${builds[0].label}: req/s per round [min–max], CPU/req`)
        .join(' | ')} |`,
      `| --- | ${builds.map(() => '---:').join(' | ')} | ${others.map(() => '---:').join(' | ')} |`,
    ];
    for (const scenario of SCENARIOS) {
      const figures = builds.map((build) => {
        const key = `${scenario}/${build.label}`;
        const server = median(serverCpu.get(key) ?? [0]);
        const postgres = median(postgresCpu.get(key) ?? [0]);
        return { key, rps: median(samples.get(key) ?? []), server, postgres, cpu: server + postgres };
      });
      const [first] = figures;
      const roundRatios = (label: string) => {
        const mine = samples.get(`${scenario}/${label}`) ?? [];
        const theirs = samples.get(`${scenario}/${builds[0].label}`) ?? [];
        return mine.map((value, index) => value / theirs[index]);
      };
      lines.push(
        `| ${QUERIES[scenario]} | ${figures
          .map(
            (figure) =>
              `${range(samples.get(figure.key) ?? [])}, ${figure.server.toFixed(0)} + ${figure.postgres.toFixed(0)} (${
                statements.get(figure.key) ?? '?'
              })`,
          )
          .join(' | ')} | ${figures
          .slice(1)
          .map(
            (figure, index) =>
              `${range(roundRatios(others[index].label), 2)}×, ${(figure.cpu / first.cpu).toFixed(2)}×`,
          )
          .join(' | ')} |`,
      );
    }
    const rawKey = `floor/${RAW_LABEL}`;
    const rawLine = samples.has(rawKey)
      ? `${RAW_LABEL} (bench/support/raw-server.js, one named prepared SELECT 1 per request), in turn with the floor: ` +
        `${range(samples.get(rawKey) ?? [])} req/s, CPU µs/req ${median(serverCpu.get(rawKey) ?? [0]).toFixed(0)} + ` +
        `${median(postgresCpu.get(rawKey) ?? [0]).toFixed(0)}; ` +
        builds
          .map(
            (build) =>
              `${build.label}'s floor ${(median(samples.get(`floor/${build.label}`) ?? []) / median(samples.get(rawKey) ?? [])).toFixed(2)}× of it`,
          )
          .join(', ')
      : undefined;
    const output: string[] = [
      `# bench:compare ${started.toISOString()}`,
      '',
      `Builds: ${builds.map((build) => `${build.label}=${build.entry}${build.pooled ? '@pgbouncer' : build.poolerMode ? '@unnamed' : ''}`).join(', ')}`,
      '',
      ...lines,
      '',
      `${ROUNDS} rounds × ${DURATION} s per build and scenario, ${CONNECTIONS} connections, medians [min–max over the rounds]; ` +
        `1-minute load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} on the shared machine`,
      ...(rawLine ? ['', rawLine] : []),
      '',
    ];
    for (const [key, values] of samples) {
      const cpu = (serverCpu.get(key) ?? []).map(
        (server, index) => server + (postgresCpu.get(key)?.[index] ?? 0),
      );
      output.push(
        `  ${key}: req/s ${values.map((value) => value.toFixed(0)).join(' ')}; CPU µs/req ${cpu
          .map((value) => value.toFixed(0))
          .join(' ')}`,
      );
    }
    for (const [key, values] of pgbouncerCpu) {
      output.push(
        `  ${key}: PgBouncer CPU µs/req ${values.map((value) => value.toFixed(0)).join(' ')} (median ${median(values).toFixed(0)})`,
      );
    }
    const text = `${output.join('\n')}\n`;
    process.stdout.write(`\n${text}`);
    const directory = resolve('bench', 'results', 'compare');
    await mkdir(directory, { recursive: true });
    const stamp = started
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/:/g, '-');
    const name = `${stamp}-${builds.map((build) => build.label.replace(/[^\w.-]+/g, '_')).join('-vs-')}.md`;
    await writeFile(resolve(directory, name), text);
    process.stdout.write(`written: bench/results/compare/${name} (commit it)\n`);
  } finally {
    for (const server of servers) await server.stop();
    await raw?.stop();
    await pgbouncer?.stop();
    await database.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

function median(values: number[]): number {
  return values.length === 0 ? Number.NaN : spread(values).median;
}
