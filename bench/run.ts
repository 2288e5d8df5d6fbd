import 'reflect-metadata';

import { loadavg } from 'node:os';

import { PasswordHasher } from '../src/auth/password-hasher.js';
import { measureLive } from './live.js';
import { crossedAnswers } from './support/crossed-answers.js';
import { type SeededSession, Seeder, startBenchDatabase } from './support/database.js';
import { graphqlOk } from './support/http.js';
import { alternatingLatency, median } from './support/load.js';
import { LoadSampler, machineInfo } from './support/machine.js';
import { explainStatements } from './support/plans.js';
import { startJwtApp, startRawServer } from './support/reference-servers.js';
import type { BenchResults } from './support/report.js';
import { interleaved, type RoundSettings, type Row } from './support/rounds.js';
import { bearer, cookie, EXPECTED_BODY, PASSWORD, QUERIES } from './support/scenarios.js';
import { log, runScript } from './support/script.js';
import { ServerProcess } from './support/server-process.js';
import { measureSignInLatency } from './support/sign-in-latency.js';
import { writeResults } from './support/write-results.js';

/**
 * `npm run bench`: the production build in its own process, on its own
 * PostgreSQL, driven over HTTP, with reference servers (bare node:http, with
 * and without pg; a stateless JWT Nest app) measured in the same run. Writes
 * bench/results/latest.{md,json} and a timestamped copy in bench/results/runs/.
 * Knobs (environment): BENCH_CONNECTIONS (16), BENCH_DURATION (10 s),
 * BENCH_WARMUP (3 s), BENCH_PROCESS_WARMUP (20 s, a fresh server process's first), BENCH_ROUNDS (3), BENCH_SERVER_ENTRY (dist/src/main.js),
 * DATABASE_URL, BENCH_RESULTS_NAME (latest: the files' name, to keep a run of
 * another build apart), BENCH_RUN_LABEL (a word in the timestamped copy's name).
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PROCESS_WARMUP = Number(process.env.BENCH_PROCESS_WARMUP ?? 20);
const ENTRY = process.env.BENCH_SERVER_ENTRY ?? 'dist/src/main.js';
const RESULTS_NAME = process.env.BENCH_RESULTS_NAME ?? 'latest';
const RUN_LABEL = process.env.BENCH_RUN_LABEL ?? RESULTS_NAME;
// The smallest interval the app accepts (SESSION_TOUCH_INTERVAL_SECONDS ≥ 1).
const TOUCH_INTERVAL_MIN_SECONDS = 1;
// Sessions the touch-due row sends in turn: each comes back only after 10,000
// requests, seconds later, past the 1-second interval, so its write is due.
const TOUCH_SESSIONS = 10_000;
// The bench server's PUBLIC_APP_URL (server-process.ts): the passkeys' RP ID and origin come from it.
const APP_ORIGIN = 'https://app.example.com';
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
    const localPostgres = database.local ? database.pool : undefined;
    const settings: RoundSettings = {
      rounds: ROUNDS,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      rewarmSeconds: Math.min(1, WARMUP),
      processWarmupSeconds: PROCESS_WARMUP,
      log,
    };
    const app = (
      name: string,
      label: string,
      query: keyof typeof EXPECTED_BODY & keyof typeof QUERIES,
      headersOf: ((session: SeededSession) => Record<string, string>) | null,
      target?: string,
    ): Row => ({
      name,
      label,
      server: running,
      query: QUERIES[query],
      expected: EXPECTED_BODY[query],
      postgres: localPostgres,
      perConnection: headersOf ? (i) => ({ headers: headersOf(readers[i % readers.length]) }) : undefined,
      sendOne: () => graphqlOk(url, QUERIES[query], headersOf ? headersOf(reader) : {}),
      target,
    });
    const floorRow = app('floor', '1. floor: `{ __typename }`, no token', 'floor', null);

    const crossed = await crossedAnswers(url, readers);
    log(`${crossed.requests} simultaneous me { id }: ${crossed.crossed} named another user`);
    if (crossed.crossed > 0)
      failures.push(`${crossed.crossed} of ${crossed.requests} answers named another user`);

    log('reference servers: bare node:http, node:http + pg, the stateless JWT app');
    const rawHttp = await startRawServer(database.url, false);
    const rawPg = await startRawServer(database.url, true);
    const jwtApp = await startJwtApp(database.url, 'key-object');
    const jwtDocsApp = await startJwtApp(database.url, 'string');
    const jwtRow = (name: string, label: string, server: ServerProcess, tokens: string[]): Row => {
      const headers = (i: number) => ({ headers: { authorization: `Bearer ${tokens[i % tokens.length]}` } });
      return {
        name,
        label,
        server,
        query: QUERIES.meId,
        expected: EXPECTED_BODY.meId,
        perConnection: headers,
        sendOne: () => graphqlOk(server.url, QUERIES.meId, headers(0).headers),
      };
    };

    log(
      `the touch-due server: SESSION_TOUCH_INTERVAL_SECONDS=${TOUCH_INTERVAL_MIN_SECONDS}, ${TOUCH_SESSIONS} sessions in turn`,
    );
    const touchDatabase = await database.createSibling('touch');
    const touchSeeder = new Seeder(touchDatabase.pool, passwordHash);
    const touchServer = await ServerProcess.start({
      entry: ENTRY,
      databaseUrl: touchDatabase.url,
      env: { SESSION_TOUCH_INTERVAL_SECONDS: String(TOUCH_INTERVAL_MIN_SECONDS) },
    });
    const touchSessions = await touchSeeder.usersWithTokens('toucher-', TOUCH_SESSIONS, 0);
    await touchSeeder.settle();
    let nextTouch = 0;
    const nextTouchSession = () => touchSessions[nextTouch++ % touchSessions.length];

    const reference = (name: string, label: string, server: ServerProcess, postgres = false): Row => ({
      name,
      label,
      server,
      query: QUERIES.floor,
      expected: EXPECTED_BODY.floor,
      postgres: postgres ? localPostgres : undefined,
      sendOne: () => graphqlOk(server.url, QUERIES.floor),
    });
    log(`10,000 rows: the floor alternates with each row, ${ROUNDS} rounds of ${DURATION} s`);
    const tenThousand = await interleaved(
      floorRow,
      [
        app('bearerMeId', '2a. `{ me { id } }`, bearer', 'meId', bearer, '≥ 0.85×'),
        app('bearerMeCount', '2b. `{ me { id activeSessionCount } }`, bearer', 'meCount', bearer, '≥ 0.70×'),
        app('bearerMeSessions', '2d. `{ me { sessions { id ipAddress } } }`, bearer', 'meSessions', bearer),
        app(
          'bearerMeSessionsLocation',
          '2e. as 2d with `location { city country countryCode }` (a stored column, no lookup)',
          'meSessionsLocation',
          bearer,
        ),
        app('cookieMeId', '3a. `{ me { id } }`, cookie', 'meId', cookie),
        app('cookieMeCount', '3b. `{ me { id activeSessionCount } }`, cookie', 'meCount', cookie),
        {
          name: 'touchDueMeId',
          label: `2c. \`{ me { id } }\`, bearer, activity write due: touch interval ${TOUCH_INTERVAL_MIN_SECONDS} s, ${TOUCH_SESSIONS.toLocaleString('en-US')} sessions in turn`,
          server: touchServer,
          query: QUERIES.meId,
          expected: EXPECTED_BODY.meId,
          postgres: database.local ? touchDatabase.pool : undefined,
          perRequest: () => bearer(nextTouchSession()),
          sendOne: () => graphqlOk(touchServer.url, QUERIES.meId, bearer(nextTouchSession())),
        },
        reference('rawHttp', 'R1. bare `node:http`, `{ __typename }`-shaped, no framework, no SQL', rawHttp),
        reference(
          'rawHttpPg',
          'R2. bare `node:http` + `pg`: one named prepared `SELECT 1` per request',
          rawPg,
          true,
        ),
        reference('jwtFloor', 'J1. JWT app (Nest + Apollo + Fastify): `{ __typename }`', jwtApp.server),
        jwtRow(
          'jwtMeId',
          'J2. JWT app: `{ me { id } }` from an HS256 token (key as a KeyObject), no database',
          jwtApp.server,
          await Promise.all(readers.map(jwtApp.tokenFor)),
        ),
        jwtRow(
          'jwtDocsMeId',
          'J3. as J2, the key as a string as in the NestJS docs (jsonwebtoken tries it as a public key first)',
          jwtDocsApp.server,
          await Promise.all(readers.map(jwtDocsApp.tokenFor)),
        ),
      ],
      settings,
    );
    for (const row of [tenThousand.floor, ...tenThousand.rows])
      if (row.failures > 0) failures.push(`${row.name}: ${row.failures} failed or wrong answers`);
    for (const server of [rawHttp, rawPg, jwtApp.server, jwtDocsApp.server, touchServer]) await server.stop();

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
    log(
      `${largeRows.toLocaleString('en-US')} rows: a floor taken after the seeding alternates with each row`,
    );
    const million = await interleaved(
      app('floor', `1. floor after seeding ${largeRows.toLocaleString('en-US')} rows`, 'floor', null),
      [
        app(
          'bearerMeIdLarge',
          `2a at ${largeRows.toLocaleString('en-US')} session rows`,
          'meId',
          bearer,
          '≥ 0.85×',
        ),
        app(
          'bearerMeCountLarge',
          `2b at ${largeRows.toLocaleString('en-US')} session rows`,
          'meCount',
          bearer,
          '≥ 0.70×',
        ),
      ],
      settings,
    );
    for (const row of [million.floor, ...million.rows])
      if (row.failures > 0) failures.push(`${row.name}: ${row.failures} failed or wrong answers`);

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

    // Last: sign-ins add sessions, and past SESSIONS_PER_USER_MAX they end the readers' oldest ones.
    log('signIn, alternating with the floor');
    const signIn = await interleaved(
      app('floor', '1. floor', 'floor', null),
      [
        {
          name: 'signIn',
          label: '6. `signIn` (Argon2 verify + INSERT)',
          server: running,
          query: QUERIES.signIn,
          expected: EXPECTED_BODY.signIn,
          postgres: localPostgres,
          perConnection: (i) => {
            const { email } = readers[i % readers.length];
            return {
              body: JSON.stringify({
                query: QUERIES.signIn,
                variables: { input: { email, password: PASSWORD } },
              }),
            };
          },
          sendOne: () =>
            graphqlOk(url, QUERIES.signIn, {}, { input: { email: reader.email, password: PASSWORD } }),
        },
      ],
      settings,
    );
    for (const row of signIn.rows)
      if (row.failures > 0) failures.push(`${row.name}: ${row.failures} failed or wrong answers`);

    log('signIn next to signInWithPasskey, one at a time, taking turns');
    const signInLatency = await measureSignInLatency(url, {
      origin: APP_ORIGIN,
      rounds: ROUNDS,
      samplesPerRound: 30,
      warmup: 10,
    });

    const peakRssBytes = server.peakRssBytes();
    const exitCode = await server.stop();
    server = undefined;
    if (exitCode !== 0) failures.push(`the server exited with ${exitCode} on SIGTERM`);

    log('restart on the migrated database with 1,000,000 sessions');
    const restarted = await ServerProcess.start({ entry: ENTRY, databaseUrl: database.url });
    const restartMs = restarted.startupMs;
    await restarted.stop();

    const liveDatabase = await database.createSibling('live');
    const live = await measureLive({
      entry: ENTRY,
      databaseUrl: liveDatabase.url,
      seeder: new Seeder(liveDatabase.pool, passwordHash),
      rounds: ROUNDS,
      log,
    });

    const results: BenchResults = {
      startedAt: started.toISOString(),
      machine,
      loadAverage: load.stop(),
      postgres: database.description,
      settings: {
        connections: CONNECTIONS,
        durationSeconds: DURATION,
        warmupSeconds: WARMUP,
        processWarmupSeconds: PROCESS_WARMUP,
        rounds: ROUNDS,
        touchIntervalSeconds: Number(process.env.SESSION_TOUCH_INTERVAL_SECONDS ?? 60),
        touchDueIntervalSeconds: TOUCH_INTERVAL_MIN_SECONDS,
        touchDueSessions: TOUCH_SESSIONS,
      },
      argon2: 'Argon2id, m=19456 KiB, t=2, p=1 (src/auth/password-hasher.ts)',
      throughput: { tenThousand, million, signIn },
      crossedAnswers: crossed,
      countLatency: { small: countAtSmall, large: countAtLarge },
      signInLatency,
      signOutOthers,
      process: { firstStartMs, restartMs, idleRssBytes, peakRssBytes },
      live,
      failures,
    };
    const written = await writeResults({ server: ENTRY, ...results }, RESULTS_NAME, RUN_LABEL);
    log(`written: ${written.join(', ')}`);
    if (failures.length > 0) throw new Error(`the run is not valid:\n  ${failures.join('\n  ')}`);
  } finally {
    await server?.stop();
    await database.stop();
  }
}

runScript(main);
