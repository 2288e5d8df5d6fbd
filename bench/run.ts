import 'reflect-metadata';

import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

import { PasswordHasher } from '../src/auth/password-hasher.js';
import { crossedAnswers } from './support/crossed-answers.js';
import { type SeededSession, Seeder, startBenchDatabase } from './support/database.js';
import { graphqlOk } from './support/http.js';
import { alternatingLatency, measureThroughput, median, type ThroughputResult } from './support/load.js';
import { LoadSampler, machineInfo } from './support/machine.js';
import { explainStatements } from './support/plans.js';
import { type BenchResults, renderMarkdown } from './support/report.js';
import { bearer, cookie, EXPECTED_BODY, PASSWORD, QUERIES } from './support/scenarios.js';
import { ServerProcess } from './support/server-process.js';

/**
 * `npm run bench`: the production build in its own process, on its own
 * PostgreSQL, driven over HTTP. Writes bench/results/latest.{md,json}.
 * Knobs (environment): BENCH_CONNECTIONS (16), BENCH_DURATION (10 s),
 * BENCH_WARMUP (3 s), BENCH_SERVER_ENTRY (dist/src/main.js), DATABASE_URL,
 * BENCH_RESULTS_NAME (latest: the files' name, to keep a run of another build apart).
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const ENTRY = process.env.BENCH_SERVER_ENTRY ?? 'dist/src/main.js';
const RESULTS_NAME = process.env.BENCH_RESULTS_NAME ?? 'latest';
async function main(): Promise<void> {
  const machine = machineInfo();
  const load = new LoadSampler();
  const started = new Date();
  log(`machine: ${machine.cores} × ${machine.cpu}, 1-minute load average ${loadavg()[0]}`);
  const database = await startBenchDatabase();
  const passwordHash = await new PasswordHasher().hash(PASSWORD);
  const seeder = new Seeder(database.pool, passwordHash);
  let server: ServerProcess | undefined;
  const failures: string[] = [];

  try {
    log('first start: the server migrates the empty database');
    const running = await ServerProcess.start({ entry: ENTRY, databaseUrl: database.url });
    server = running;
    const firstStartMs = server.startupMs;
    const idleRssBytes = server.rssBytes();
    const url = server.url;

    log('seeding 10,000 sessions: 100 readers × 10, 900 other users × 10 (10 % expired)');
    const readers = await seeder.usersWithTokens('reader-', 100, 9);
    await seeder.crowd('crowd-a-', 900, 10, 0.1);
    await seeder.settle();
    const reader = readers[0];
    const cpu = { serverPid: running.pid, localPostgres: database.local ? database.pool : undefined };

    const throughput = async (
      name: string,
      query: string,
      expected: RegExp,
      headersOf: ((session: SeededSession) => Record<string, string>) | null,
    ): Promise<ThroughputResult & { statementsPerRequest: number }> => {
      const statements = await running.statementsDuring(() =>
        graphqlOk(url, query, headersOf ? headersOf(reader) : {}),
      );
      log(
        `${name}: ${statements.length} SQL statement(s) per request; ${DURATION} s at ${CONNECTIONS} connections`,
      );
      const result = await measureThroughput({
        url,
        query,
        connections: CONNECTIONS,
        durationSeconds: DURATION,
        warmupSeconds: WARMUP,
        perConnection: headersOf ? (i) => ({ headers: headersOf(readers[i % readers.length]) }) : undefined,
        verifyBody: (body) => expected.test(body),
        cpu,
        countStatements: (action) => running.statementCountDuring(action),
      });
      if (result.failures > 0) failures.push(`${name}: ${result.failures} failed or wrong answers`);
      log(`  ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
      return { ...result, statementsPerRequest: statements.length };
    };

    const crossed = await crossedAnswers(url, readers);
    log(`${crossed.requests} simultaneous me { id }: ${crossed.crossed} named another user`);
    if (crossed.crossed > 0)
      failures.push(`${crossed.crossed} of ${crossed.requests} answers named another user`);

    const floor = await throughput('floor', QUERIES.floor, EXPECTED_BODY.floor, null);
    const bearerMeId = await throughput('bearer me { id }', QUERIES.meId, EXPECTED_BODY.meId, bearer);
    const bearerMeCount = await throughput(
      'bearer me { id activeSessionCount }',
      QUERIES.meCount,
      EXPECTED_BODY.meCount,
      bearer,
    );
    const cookieMeId = await throughput('cookie me { id }', QUERIES.meId, EXPECTED_BODY.meId, cookie);
    const cookieMeCount = await throughput(
      'cookie me { id activeSessionCount }',
      QUERIES.meCount,
      EXPECTED_BODY.meCount,
      cookie,
    );

    // Section 5 compares the latency of one request at 10,000 and at 1,000,000 rows. Measured one
    // after the other, the second figure would also carry what the machine does after a million
    // inserts (checkpoints, autovacuum). So a second server keeps a database of 10,000 rows, and the
    // two servers take turns once the first one's table has grown.
    log('a second server on a database that stays at 10,000 sessions, for the latency comparison');
    const smallDatabase = await database.createSibling('small');
    const smallServer = await ServerProcess.start({ entry: ENTRY, databaseUrl: smallDatabase.url });
    const smallSeeder = new Seeder(smallDatabase.pool, passwordHash);
    const [smallReader] = await smallSeeder.usersWithTokens('reader-', 100, 9);
    await smallSeeder.crowd('crowd-a-', 900, 10, 0.1);
    await smallSeeder.settle();

    log('growing the table to 1,000,000 sessions: 99,000 more users × 10');
    await seeder.crowd('crowd-b-', 99_000, 10, 0.1);
    await seeder.settle();
    const largeRows = await seeder.sessionRows();

    const targets = [
      {
        server: smallServer,
        session: smallReader,
        pool: smallDatabase.pool,
        rows: await smallSeeder.sessionRows(),
      },
      { server: running, session: reader, pool: database.pool, rows: largeRows },
    ];
    const latencies = await alternatingLatency(
      targets.map(
        ({ server, session }) =>
          () =>
            graphqlOk(server.url, QUERIES.meCount, bearer(session)),
      ),
      { rounds: 10, samplesPerRound: 200, warmup: 200 },
    );
    const [countAtSmall, countAtLarge] = await Promise.all(
      targets.map(async ({ server, session, pool, rows }, index) => {
        const statements = await server.statementsDuring(() =>
          graphqlOk(server.url, QUERIES.meCount, bearer(session)),
        );
        log(`activeSessionCount at ${rows} rows: p50 ${latencies[index].p50Ms.toFixed(3)} ms`);
        return { rows, ...latencies[index], plans: await explainStatements(pool, statements) };
      }),
    );
    await smallServer.stop();
    const bearerMeIdLarge = await throughput(
      'bearer me { id } at 1M rows',
      QUERIES.meId,
      EXPECTED_BODY.meId,
      bearer,
    );
    const bearerMeCountLarge = await throughput(
      'bearer me { id activeSessionCount } at 1M rows',
      QUERIES.meCount,
      EXPECTED_BODY.meCount,
      bearer,
    );

    const signOutOthers = [];
    for (const [others, repetitions] of [
      [10, 5],
      [1_000, 5],
      [100_000, 3],
    ] as const) {
      const latencies: number[] = [];
      let statements: Array<{ text: string }> = [];
      for (let repetition = 0; repetition < repetitions; repetition++) {
        const [user] = await seeder.usersWithTokens(`sign-out-${others}-${repetition}-`, 1, others);
        let signedOutCount = -1;
        let latency = 0;
        statements = await server.statementsDuring(async () => {
          const before = performance.now();
          const data = await graphqlOk<{ signOutOtherSessions: { signedOutCount: number } }>(
            url,
            QUERIES.signOutOthers,
            bearer(user),
          );
          latency = performance.now() - before;
          signedOutCount = data.signOutOtherSessions.signedOutCount;
        });
        if (signedOutCount !== others)
          failures.push(`signOutOtherSessions(${others}) ended ${signedOutCount}`);
        latencies.push(latency);
      }
      const deletes = statements.filter((statement) => /^\s*DELETE/i.test(statement.text)).length;
      log(
        `signOutOtherSessions, ${others} others: ${median(latencies).toFixed(1)} ms, ${statements.length} statements`,
      );
      signOutOthers.push({
        others,
        medianMs: median(latencies),
        latenciesMs: latencies,
        statements: statements.length,
        deletes,
        sql: statements.map((statement) => statement.text.replace(/\s+/g, ' ').trim()),
      });
    }

    const signInStatements = await server.statementsDuring(() =>
      graphqlOk(url, QUERIES.signIn, {}, { input: { email: reader.email, password: PASSWORD } }),
    );
    log(`signIn: ${signInStatements.length} statements per request`);
    const signIn = await measureThroughput({
      url,
      query: QUERIES.signIn,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      perConnection: (i) => {
        const { email } = readers[i % readers.length];
        return {
          body: JSON.stringify({
            query: QUERIES.signIn,
            variables: { input: { email, password: PASSWORD } },
          }),
        };
      },
      verifyBody: (body) => EXPECTED_BODY.signIn.test(body),
      cpu,
    });
    if (signIn.failures > 0) failures.push(`signIn: ${signIn.failures} failed or wrong answers`);
    log(`signIn: ${signIn.requestsPerSecond.toFixed(1)} req/s`);

    const peakRssBytes = server.peakRssBytes();
    const exitCode = await server.stop();
    server = undefined;
    if (exitCode !== 0) failures.push(`the server exited with ${exitCode} on SIGTERM`);

    log('restart on the migrated database with 1,000,000 sessions');
    const restarted = await ServerProcess.start({ entry: ENTRY, databaseUrl: database.url });
    const restartMs = restarted.startupMs;
    await restarted.stop();

    const results: BenchResults = {
      startedAt: started.toISOString(),
      machine,
      loadAverage: load.stop(),
      postgres: database.description,
      settings: { connections: CONNECTIONS, durationSeconds: DURATION, warmupSeconds: WARMUP },
      argon2: 'Argon2id, m=19456 KiB, t=2, p=1 (src/auth/password-hasher.ts)',
      throughput: {
        floor,
        bearerMeId,
        bearerMeCount,
        cookieMeId,
        cookieMeCount,
        bearerMeIdLarge,
        bearerMeCountLarge,
        signIn: { ...signIn, statementsPerRequest: signInStatements.length },
      },
      crossedAnswers: crossed,
      countLatency: { small: countAtSmall, large: countAtLarge },
      signOutOthers,
      process: { firstStartMs, restartMs, idleRssBytes, peakRssBytes },
      failures,
    };
    const directory = resolve('bench', 'results');
    await mkdir(directory, { recursive: true });
    const withServer = { server: ENTRY, ...results };
    await writeFile(resolve(directory, `${RESULTS_NAME}.json`), `${JSON.stringify(withServer, null, 2)}\n`);
    await writeFile(resolve(directory, `${RESULTS_NAME}.md`), renderMarkdown(withServer));
    log(`written: bench/results/${RESULTS_NAME}.md and ${RESULTS_NAME}.json`);
    if (failures.length > 0) throw new Error(`the run is not valid:\n  ${failures.join('\n  ')}`);
  } finally {
    await server?.stop();
    await database.stop();
  }
}

function log(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
