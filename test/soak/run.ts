/**
 * The soak (issue 17): many users with several devices each drive the
 * contract's operations (sessions, step-up, email links) across two instances
 * of the built server that share one PostgreSQL and one real SMTP server,
 * live subscriptions open, while faults strike at random steps: PostgreSQL
 * restarted, an instance killed, the LISTEN connection terminated, the SMTP
 * server refusing mail, a fraction of statements failing one at a time. Run:
 * `npm run test:soak` (SOAK_STEPS, SOAK_SECONDS, SOAK_SEED, SOAK_USERS,
 * SOAK_CONCURRENCY, SOAK_FAULTS, SOAK_FAULT_KINDS, SOAK_STATEMENT_FAULT_SECONDS,
 * SOAK_STATEMENT_FAULT_FRACTION; SOAK_REPLAY=<failure file> replays one user's
 * failing sequence alone).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import pg from 'pg';

import { BuiltServer } from '../support/built-server.js';
import { MailCatcher } from '../support/mail-catcher.js';
import { ServerProcess } from '../support/server-process.js';
import { StoppablePostgres } from '../support/stoppable-postgres.js';
import { FINAL_CHECKS } from './final-checks.js';
import { Cluster, FAULT_GRACE_MS, type FaultWindow, Figures } from './harness.js';
import { Inbox } from './inbox.js';
import type { SoakUser } from './model.js';
import { Operations, Violation } from './operations.js';
import { sameDefect, shrink } from './shrink.js';
import { chooseStep, seededRandom, type Step } from './steps.js';

const env = process.env;
const SEED = Number(env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = Number(env.SOAK_STEPS ?? 2_000);
const SECONDS = Number(env.SOAK_SECONDS ?? 110);
const USERS = Number(env.SOAK_USERS ?? 50);
const CONCURRENCY = Number(env.SOAK_CONCURRENCY ?? 12);
const ALL_FAULT_KINDS = [
  'postgres-restart',
  'instance-kill',
  'listener-terminate',
  'smtp-refusal',
  'statement-errors',
] as const;
/** SOAK_FAULT_KINDS=statement-errors,… narrows the kinds (in this order); all by default. */
const FAULT_KINDS = env.SOAK_FAULT_KINDS
  ? ALL_FAULT_KINDS.filter((kind) => env.SOAK_FAULT_KINDS!.split(',').includes(kind))
  : ALL_FAULT_KINDS;
const FAULTS = Number(env.SOAK_FAULTS ?? FAULT_KINDS.length);
/** How long the SMTP server refuses every mail during an smtp-refusal fault. */
const SMTP_REFUSAL_MS = 8_000;
/**
 * A statement-errors fault: for this long, this fraction of the statements that mention
 * `sessions` fail on both instances, half as a connection reset, half as a plain error
 * (test/support/statement-faults.js, loaded into each instance).
 */
const STATEMENT_FAULT_MS = Number(env.SOAK_STATEMENT_FAULT_SECONDS ?? 15) * 1000;
const STATEMENT_FAULT_FRACTION = Number(env.SOAK_STATEMENT_FAULT_FRACTION ?? 0.03);
/** How often the instances read the fault file again (statement-faults.js's POLL_MS), with margin. */
const STATEMENT_FAULT_POLL_MS = 300;

async function main(): Promise<void> {
  const replay = env.SOAK_REPLAY
    ? (JSON.parse(await readFile(env.SOAK_REPLAY, 'utf8')) as { steps: string[] })
    : undefined;
  console.log(replay ? `replaying ${env.SOAK_REPLAY}` : `soak: seed ${SEED}, ${STEPS} steps, ${USERS} users`);
  const [postgres, build, catcher] = await Promise.all([
    StoppablePostgres.start(resolve('.data', `soak-${process.pid}`), 'soak'),
    BuiltServer.build('soak'),
    MailCatcher.start(),
  ]);
  const inbox = new Inbox(catcher, postgres.url);
  const statementFaults = resolve('.data', `soak-${process.pid}-statement-faults.json`);
  await writeFile(statementFaults, JSON.stringify({ fraction: 0 }));
  const serverEnv = {
    NODE_OPTIONS: [
      env.NODE_OPTIONS,
      `--import=${pathToFileURL(resolve('test/support/statement-faults.js')).href}`,
    ]
      .filter(Boolean)
      .join(' '),
    STATEMENT_FAULTS_FILE: statementFaults,
    ...catcher.env,
    PUBLIC_APP_URL: 'https://app.example.com',
    MAIL_DELIVERY_INTERVAL_MS: '100',
    DATABASE_URL: postgres.url,
    DATABASE_CONNECT_TIMEOUT_MS: '2000',
    RATE_LIMIT_PER_IP: '100000000',
    RATE_LIMIT_PER_IP_AND_ACCOUNT: '100000000',
    SESSIONS_PER_USER_MAX: '1000',
    LOG_LEVEL: 'error',
  };
  const figures = new Figures();
  let cluster: Cluster | undefined;
  const users: SoakUser[] = [];
  let failure: Violation | undefined;
  let shortest: string[] | undefined;
  const problems: string[] = [];
  try {
    const first = await ServerProcess.spawn(build, serverEnv);
    const second = await ServerProcess.spawn(build, serverEnv);
    cluster = new Cluster([first, second], figures);
    const operations = new Operations(cluster, users, inbox);
    for (let index = 0; index < (replay ? 2 : USERS); index++) users.push(await operations.signUp(index));
    if (replay) {
      shortest = await replayAndShrink(replay.steps, operations, users);
    } else {
      await drive(cluster, operations, users, { postgres, build, serverEnv, catcher, statementFaults });
    }
    await operations.settle();
    for (const update of operations.foreignUpdates)
      problems.push(`live update named another user: ${update}`);
    problems.push(...answerProblems(figures));
  } catch (error) {
    if (cluster) cluster.stopped = true;
    if (!(error instanceof Violation)) throw error;
    failure = error;
  }
  if (!failure) {
    // Mail queued by the last steps (and retried after an SMTP refusal) is still on its way.
    if (!(await inbox.drained(180_000))) problems.push('mail still undelivered three minutes after the run');
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    for (const [name, check] of FINAL_CHECKS)
      for (const problem of await check(db, users, catcher.received, figures))
        problems.push(`${name}: ${problem}`);
    await db.end();
  }
  figures.mailsReceived = catcher.received.length;
  for (const [index, instance] of (cluster?.instances ?? []).entries())
    if (instance.exitCode !== null)
      problems.push(
        `instance ${index} exited (${instance.exitCode}):\n${instance.recentOutput.slice(-3_000)}`,
      );
  if (cluster) cluster.stopped = true;
  for (const device of users.flatMap((user) => user.devices)) await device.live?.dispose().catch(() => {});
  await Promise.all(cluster?.instances.map((instance) => instance.stop()) ?? []);
  await inbox.close();
  await catcher.close();
  await postgres.close();
  await build.remove();
  await rm(statementFaults, { force: true });
  report(figures, users.length);
  if (failure || problems.length > 0) {
    const user = failure?.user;
    const file = resolve('test/soak/failures', `seed-${SEED}.json`);
    await mkdir(resolve('test/soak/failures'), { recursive: true });
    await writeFile(
      file,
      JSON.stringify(
        { seed: SEED, violation: failure?.message, problems, steps: user?.trace ?? [] },
        null,
        2,
      ),
    );
    console.error(`SOAK FAILED (seed ${SEED}): ${[failure?.message, ...problems].join('\n')}`);
    if (user) console.error(`the failing user's steps:\n${JSON.stringify(user.trace)}`);
    console.error(`written to ${file}; replay and shrink: SOAK_REPLAY=${file} npm run test:soak`);
    process.exit(1);
  }
  if (shortest) console.log(`the sequence no longer fails alone: ${shortest.length} steps replayed`);
  console.log('soak passed');
}

/**
 * Replays a failing user's steps alone (a second user is there for
 * revokeForeign to aim at). If they fail alone, shrinks them, each candidate
 * replayed from a fresh pair of accounts, writes the shortest to
 * `<replayed file>.shortest.json` and throws its violation; a failure that
 * needs the concurrency or a fault does not reproduce alone. Returns the
 * steps when they pass.
 */
async function replayAndShrink(
  steps: string[],
  operations: Operations,
  users: SoakUser[],
): Promise<string[]> {
  let accounts = users.length;
  const attempt = async (candidate: string[], pair: SoakUser[]): Promise<Violation | undefined> => {
    try {
      for (const step of candidate) await operations.run(pair[0], JSON.parse(step) as Step);
    } catch (error) {
      if (error instanceof Violation) return error;
      // Any other error: a step that no longer fits its shortened sequence (a device it never made).
    }
    return undefined;
  };
  const failure = await attempt(steps, users);
  if (!failure) return steps;
  const fresh = async () => [await operations.signUp(accounts++), await operations.signUp(accounts++)];
  const shortest = await shrink(steps, async (candidate) => {
    const found = await attempt(candidate, await fresh());
    return found !== undefined && sameDefect(found.message, failure.message);
  });
  const file = `${env.SOAK_REPLAY!.replace(/\.json$/, '')}.shortest.json`;
  await writeFile(file, JSON.stringify({ violation: failure.message, steps: shortest }, null, 2));
  console.error(
    `shortest failing sequence (${shortest.length} of ${steps.length} steps), written to ${file}:`,
  );
  console.error(JSON.stringify(shortest));
  throw failure;
}

/** What a fault acts on. */
interface FaultTargets {
  postgres: StoppablePostgres;
  build: BuiltServer;
  serverEnv: Record<string, string>;
  catcher: MailCatcher;
  /** The file the instances read their statement faults from. */
  statementFaults: string;
}

async function drive(
  cluster: Cluster,
  operations: Operations,
  users: SoakUser[],
  targets: FaultTargets,
): Promise<void> {
  const random = seededRandom(SEED);
  const faultAt = Array.from({ length: FAULTS }, (_, index) =>
    Math.floor(((index + 0.5 + (random() - 0.5) * 0.6) * STEPS) / FAULTS),
  ).sort((a, b) => a - b);
  const faultKinds = Array.from(
    { length: FAULTS },
    (_, index) => FAULT_KINDS[(index + SEED) % FAULT_KINDS.length],
  );
  const deadline = Date.now() + SECONDS * 1000;
  let issued = 0;
  const faults: Promise<void>[] = [];
  const worker = async (): Promise<void> => {
    while (issued < STEPS && Date.now() < deadline && !cluster.stopped) {
      const free = users.filter((user) => !user.busy);
      if (free.length === 0) {
        await sleep(5);
        continue;
      }
      const user = free[Math.floor(random() * free.length)];
      const step = chooseStep(random, user);
      issued++;
      if (faultAt[0] !== undefined && issued >= faultAt[0]) {
        faultAt.shift();
        faults.push(inject(faultKinds.shift()!, cluster, targets, random));
      }
      const died = cluster.instances.findIndex(
        (instance, index) => instance.exitCode !== null && !cluster.down.has(index),
      );
      if (died >= 0)
        throw new Violation(
          `instance ${died} exited by itself (${cluster.instances[died].exitCode}):\n${cluster.instances[died].recentOutput.slice(-3_000)}`,
          user,
        );
      user.busy = true;
      try {
        await operations.run(user, step);
      } finally {
        user.busy = false;
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  cluster.figures.driveMs = Date.now() - started;
  await Promise.all(faults);
  cluster.figures.faults.set('steps', issued);
}

async function inject(
  kind: string,
  cluster: Cluster,
  { postgres, build, serverEnv, catcher, statementFaults }: FaultTargets,
  random: () => number,
): Promise<void> {
  if (kind === 'smtp-refusal') {
    // Not an outage of the API: its answers must not change (no faultUnderway),
    // the mail waits in the outbox and goes out after the refusal.
    cluster.figures.faults.set(kind, (cluster.figures.faults.get(kind) ?? 0) + 1);
    console.log(`fault: ${kind}`);
    catcher.refuse();
    await sleep(SMTP_REFUSAL_MS);
    catcher.accept();
    return;
  }
  while (cluster.faultUnderway) await sleep(100);
  cluster.faultUnderway = true;
  const window: FaultWindow = { kind, start: Date.now() };
  cluster.windows.push(window);
  cluster.figures.faults.set(kind, (cluster.figures.faults.get(kind) ?? 0) + 1);
  console.log(`fault: ${kind}`);
  if (kind === 'statement-errors') {
    // Answers in the window may be errors of any kind, a plain error's INTERNAL_SERVER_ERROR included.
    cluster.statementErrorsUnderway = true;
    const seed = Math.floor(random() * 2 ** 31);
    await writeFile(
      statementFaults,
      JSON.stringify({ fraction: STATEMENT_FAULT_FRACTION, match: 'sessions', seed }),
    );
    await sleep(STATEMENT_FAULT_MS);
    await writeFile(statementFaults, JSON.stringify({ fraction: 0 }));
    await sleep(STATEMENT_FAULT_POLL_MS);
  } else if (kind === 'postgres-restart') {
    await postgres.stop(random() < 0.5 ? 'fast' : 'immediate');
    await sleep(3_000);
    await postgres.restart();
  } else if (kind === 'instance-kill') {
    const victim = random() < 0.5 ? 0 : 1;
    cluster.down.add(victim);
    await cluster.instances[victim].kill();
    cluster.instances[victim] = await ServerProcess.spawn(build, serverEnv);
    cluster.down.delete(victim);
  } else {
    await postgres.terminateBackends('live');
  }
  // Recovered when both instances say so; the grace lets answers in flight land.
  for (const instance of cluster.instances)
    while (
      !(await fetch(`${instance.url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      await sleep(100);
  await sleep(FAULT_GRACE_MS);
  window.end = Date.now();
  cluster.faultUnderway = false;
  cluster.statementErrorsUnderway = false;
}

/**
 * Answers no user should get: any INTERNAL_SERVER_ERROR outside a statement-errors window (a
 * statement that failed with a plain error is answered so), and a
 * SERVICE_UNAVAILABLE or a dropped connection with no fault under way (the
 * window runs from the fault's start until both instances are ready again,
 * plus FAULT_GRACE_MS). Counted in the run and shown, a few of each.
 */
function answerProblems(figures: Figures): string[] {
  const problems: string[] = [];
  const { internalErrors, unavailableOutsideFaults } = figures;
  if (internalErrors.length > 0)
    problems.push(
      `${internalErrors.length} INTERNAL_SERVER_ERROR answers, e.g. ${internalErrors.slice(0, 3).join(' | ')}`,
    );
  if (unavailableOutsideFaults.length > 0)
    problems.push(
      `${unavailableOutsideFaults.length} answers unavailable or lost outside a fault (grace ${FAULT_GRACE_MS} ms), ` +
        `e.g. ${unavailableOutsideFaults.slice(0, 3).join(' | ')}`,
    );
  return problems;
}

function report(figures: Figures, users: number): void {
  const seconds = (Date.now() - figures.started) / 1000;
  const sorted = [...figures.latencies].sort((a, b) => a - b);
  const at = (quantile: number): number => Math.round(sorted[Math.floor(sorted.length * quantile)] ?? 0);
  const p99 = at(0.99);
  const devices = users;
  console.log(
    JSON.stringify(
      {
        seed: SEED,
        steps: figures.faults.get('steps'),
        users,
        clients: `${devices} users, up to 6 devices each, 2 instances`,
        faults: Object.fromEntries([...figures.faults].filter(([kind]) => kind !== 'steps')),
        seconds: Math.round(seconds),
        driveSeconds: Math.round(figures.driveMs / 1000),
        // Every request, the checks' included, over the time the steps ran.
        requestsPerSecond: Math.round(figures.requests / (figures.driveMs / 1000 || seconds)),
        operations: Object.fromEntries([...figures.operations].sort(([a], [b]) => a.localeCompare(b))),
        mailsReceived: figures.mailsReceived,
        mailCopies: figures.mailCopies,
        errorsByCode: Object.fromEntries(figures.errors),
        unavailableOutsideFaults: figures.unavailableOutsideFaults.length,
        internalErrors: figures.internalErrors.length,
        internalErrorsInStatementFaults: figures.internalErrorsInStatementFaults,
        transportSamples: figures.transportSamples,
        // The median with its spread (quartiles), and the tail.
        latencyMsOutsideFaults: { median: at(0.5), p25: at(0.25), p75: at(0.75) },
        p99LatencyMsOutsideFaults: p99,
        endedSessionRequestsAnswered: figures.endedAnswered,
        longestEndToSocketCloseMs: figures.longestCloseMs,
        // Median with quartiles and the longest, over every end, then over the ends of each fault kind's windows.
        endToSocketCloseMs: spread(figures.closeMs),
        endToSocketCloseMsInFaults: Object.fromEntries(
          [...figures.closeMsByFault].map(([kind, times]) => [kind, spread(times)]),
        ),
      },
      null,
      2,
    ),
  );
}

function spread(values: readonly number[]): {
  count: number;
  median: number;
  p25: number;
  p75: number;
  max: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (quantile: number): number => Math.round(sorted[Math.floor(sorted.length * quantile)] ?? 0);
  return {
    count: sorted.length,
    median: at(0.5),
    p25: at(0.25),
    p75: at(0.75),
    max: Math.round(sorted.at(-1) ?? 0),
  };
}

await main();
