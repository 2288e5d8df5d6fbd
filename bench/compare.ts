import 'reflect-metadata';

import { loadavg } from 'node:os';

import { PasswordHasher } from '../src/auth/password-hasher.js';
import { type RunningPgBouncer, startPgBouncer } from '../test/support/pgbouncer.js';
import { processCpuSeconds } from './support/cpu.js';
import { Seeder, startBenchDatabase } from './support/database.js';
import { graphqlOk } from './support/http.js';
import { measureThroughput, median } from './support/load.js';
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
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'floor,meId,meCount').split(',') as Array<
  'floor' | 'meId' | 'meCount'
>;

async function main(): Promise<void> {
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
    for (let round = 0; round < ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        // Rotate who goes first, so no build always follows the same neighbour.
        for (let turn = 0; turn < servers.length; turn++) {
          const index = (turn + round) % servers.length;
          const bouncerBefore = pgbouncer && processCpuSeconds(pgbouncer.pid);
          const result = await measureThroughput({
            url: servers[index].url,
            query: QUERIES[scenario],
            connections: CONNECTIONS,
            durationSeconds: DURATION,
            warmupSeconds: round === 0 ? 2 : 0,
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
      }
      process.stdout.write(`round ${round + 1}/${ROUNDS} done\n`);
    }

    const others = builds.slice(1);
    const lines = [
      `| scenario | ${builds.map((build) => `${build.label}: req/s, CPU µs/req server + PostgreSQL (SQL)`).join(' | ')} | ${others
        .map((build) => `${build.label} / ${builds[0].label}: req/s, CPU/req`)
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
      lines.push(
        `| ${QUERIES[scenario]} | ${figures
          .map(
            (figure) =>
              `${figure.rps.toFixed(0)}, ${figure.server.toFixed(0)} + ${figure.postgres.toFixed(0)} (${
                statements.get(figure.key) ?? '?'
              })`,
          )
          .join(' | ')} | ${figures
          .slice(1)
          .map((figure) => `${(figure.rps / first.rps).toFixed(2)}×, ${(figure.cpu / first.cpu).toFixed(2)}×`)
          .join(' | ')} |`,
      );
    }
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    process.stdout.write(
      `${ROUNDS} rounds × ${DURATION} s per build and scenario, ${CONNECTIONS} connections, medians; ` +
        `1-minute load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} on the shared machine\n`,
    );
    for (const [key, values] of samples) {
      const cpu = (serverCpu.get(key) ?? []).map(
        (server, index) => server + (postgresCpu.get(key)?.[index] ?? 0),
      );
      process.stdout.write(
        `  ${key}: req/s ${values.map((value) => value.toFixed(0)).join(' ')}; CPU µs/req ${cpu
          .map((value) => value.toFixed(0))
          .join(' ')}\n`,
      );
    }
    for (const [key, values] of pgbouncerCpu) {
      process.stdout.write(
        `  ${key}: PgBouncer CPU µs/req ${values.map((value) => value.toFixed(0)).join(' ')} (median ${median(values).toFixed(0)})\n`,
      );
    }
  } finally {
    for (const server of servers) await server.stop();
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
