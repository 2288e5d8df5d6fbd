import type { LiveResults } from '../live.js';
import type { CrossedAnswers } from './crossed-answers.js';
import { renderLive } from './live-report.js';
import type { LatencyResult } from './load.js';
import type { MachineInfo } from './machine.js';
import type { ExplainedStatement } from './plans.js';
import type { Phase, RowFigures, Spread } from './rounds.js';
import { type SignInLatency, signInLatencyRows } from './sign-in-latency.js';

interface CountLatency extends LatencyResult {
  readonly rows: number;
  readonly plans: ExplainedStatement[];
}

export interface BenchResults {
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly loadAverage: { min: number; max: number; mean: number };
  readonly postgres: string;
  readonly settings: {
    connections: number;
    durationSeconds: number;
    warmupSeconds: number;
    processWarmupSeconds: number;
    rounds: number;
    /** The main server's SESSION_TOUCH_INTERVAL_SECONDS. */
    touchIntervalSeconds: number;
    /** Row 2c's server's, and how many sessions it sends in turn. */
    touchDueIntervalSeconds: number;
    touchDueSessions: number;
  };
  readonly argon2: string;
  /** 10,000 session rows; 1,000,000 rows; signIn at the end. Each phase alternates its own floor with its rows. */
  readonly throughput: { tenThousand: Phase; million: Phase; signIn: Phase };
  readonly crossedAnswers: CrossedAnswers;
  readonly countLatency: { small: CountLatency; large: CountLatency };
  /** `signIn` next to `signInWithPasskey`, one at a time (bench/support/sign-in-latency.ts). */
  readonly signInLatency?: SignInLatency;
  readonly signOutOthers: Array<{
    others: number;
    medianMs: number;
    latenciesMs: number[];
    statements: number;
    deletes: number;
    sql: string[];
  }>;
  readonly process: { firstStartMs: number; restartMs: number; idleRssBytes: number; peakRssBytes: number };
  /** Issue 13's rows, on two more server processes and a database of their own. */
  readonly live: LiveResults;
  readonly failures: string[];
}

const number = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => (value < 10 ? number(value, 2) : number(value, 1));
const mib = (bytes: number) => `${number(bytes / 2 ** 20)} MiB`;
const ratio = (value: number) => `${number(value, 2)}×`;

const spreadOf = (value: Spread, format: (value: number) => string) =>
  value.min === value.max
    ? format(value.median)
    : `${format(value.median)} [${format(value.min)}–${format(value.max)}]`;

function tableRow(row: RowFigures): string {
  const cpu = row.cpuMicros;
  return `| ${row.label} | ${spreadOf(row.requestsPerSecond, number)} | ${spreadOf(row.ratioToFloor, ratio)} | ${
    row.target ?? ''
  } | ${number(row.p50Ms.median)} | ${number(row.p99Ms.median)} | ${row.statementsAlone ?? 'n/a'} | ${
    row.statementsUnderLoad ? spreadOf(row.statementsUnderLoad, (value) => number(value, 2)) : 'n/a'
  } | ${row.writesUnderLoad ? spreadOf(row.writesUnderLoad, (value) => number(value, 2)) : 'n/a'} | ${
    cpu
      ? `${number(cpu.server.median)} + ${number(cpu.postgres.median)} [${number(cpu.total.min)}–${number(cpu.total.max)}]`
      : 'n/a'
  } |`;
}

const TABLE_HEAD = `| request | req/s | × floor | target | p50 | p99 | SQL alone | SQL/req under load | writes/req | CPU µs/req |
| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |`;

const table = (phase: Phase) => [TABLE_HEAD, tableRow(phase.floor), ...phase.rows.map(tableRow)].join('\n');

/** bench/results/latest.md: the figures of one run, with what they were measured on. */
export function renderMarkdown(results: BenchResults & { server: string }): string {
  const t = results.throughput;
  const { small, large } = results.countLatency;
  const { machine, loadAverage, settings } = results;

  return `# Benchmark results

Run ${results.startedAt} on commit ${machine.commit}: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB,
${machine.platform}, Node.js ${machine.node}, ${results.postgres}. Server: \`node ${results.server}\`,
NODE_ENV=production, in its own process.

**Workload.** ${settings.connections} connections, each sending its next request as soon as the last is answered, each
its own user with its own hot session (the same session on every request). Session touch interval
${settings.touchIntervalSeconds} s (\`SESSION_TOUCH_INTERVAL_SECONDS\`), so the activity UPDATE is rare on rows 2–3
("writes/req"); row 2c is a second server with the interval at its minimum (${settings.touchDueIntervalSeconds} s) and
${number(settings.touchDueSessions)} sessions sent in turn, so the write is due on most requests. The load generator
(autocannon) runs on the same cores as the servers and PostgreSQL. ${settings.rounds} rounds; in each, the floor is
measured just before every row (${settings.durationSeconds} s each; warm-up: ${settings.processWarmupSeconds} s before a server process's first
measurement, ${settings.warmupSeconds} s before a row's first, ≤ 1 s before the later ones).

1-minute load average during the run: ${loadAverage.min} to ${loadAverage.max} (mean ${loadAverage.mean}) on
${machine.cores} cores. The machine is shared: compare figures within one run (the ratios), not across runs.
${results.failures.length > 0 ? `\n**This run is not valid:** ${results.failures.join('; ')}\n` : ''}
## Throughput at ${settings.connections} connections

Figures are medians over the ${settings.rounds} rounds, with [min–max]. "× floor" is each round's requests/s over the
floor's (\`{ __typename }\` on the app) measured just before it in the same round. Latencies in whole ms (autocannon's
resolution), medians of the rounds. "SQL alone" is the number of statements the server sent to PostgreSQL for one
request sent alone (counted at \`pg.Client#query\`); "SQL/req under load" is the statements it sent over the
measurement divided by the requests it answered, lower where concurrent requests shared a session lookup
(src/database/coalescing-lookup.ts); "writes/req" the UPDATEs (the session activity write) likewise. "CPU µs/req" is
the CPU time (user + system, from /proc) one request cost the server process + the PostgreSQL backends serving it
(medians), [min–max] of their sum: steadier than req/s when other processes share the cores.

### ${number(small.rows)} session rows

${table(t.tenThousand)}

R1/R2 are bare \`node:http\` servers (bench/support/raw-server.js): how far the stack is from what this machine
does with no framework. J1/J2 are a stateless JWT app on the same stack (Nest 12 + Apollo Server 5 + Fastify,
bench/support/jwt-app/): a token stays valid until it expires; the app's sessions are checked in the database on
every request, so an ended session is refused on the very next request, on every instance.

### ${number(large.rows)} session rows (the floor taken after the seeding)

${table(t.million)}

### \`signIn\` (${results.argon2})

${table(t.signIn)}

### \`signIn\` next to \`signInWithPasskey\`

One request at a time, taking turns; each sample times the mutation alone (a passkey's options are fetched and signed before the clock starts).

${results.signInLatency ? signInLatencyRows(results.signInLatency) : '(not measured in this run)'}

Shared lookups, checked: ${number(results.crossedAnswers.requests)} \`me { id }\` requests sent ${number(results.crossedAnswers.atOnce)} at a time, each with its own user's token; ${results.crossedAnswers.crossed} named another user (must be 0).

## 4. \`signOutOtherSessions\`

Latency of one call over HTTP (median of ${results.signOutOthers.map((entry) => entry.latenciesMs.length).join('/')} calls), and the SQL statements the server
issued for it.

| other sessions | latency (ms) | statements | of which DELETE | statements sent |
| ---: | ---: | ---: | ---: | --- |
${results.signOutOthers
  .map(
    (entry) =>
      `| ${number(entry.others)} | ${ms(entry.medianMs)} | ${entry.statements} | ${entry.deletes} | ${entry.sql
        .map((sql) => `\`${sql.slice(0, 60)}${sql.length > 60 ? '…' : ''}\``)
        .join('<br>')} |`,
  )
  .join('\n')}

## 5. \`activeSessionCount\` against the table size

\`{ me { id activeSessionCount } }\` for a user with 10 sessions, one request at a time (${number(small.samples)}
samples at each size after a warm-up), with most rows belonging to other users (10 % of them expired). Two
servers, one on a database of each size on the same PostgreSQL, take turns (10 rounds of 200 requests each),
so the machine's other work lands on both sizes alike.

| session rows | p50 (ms) | p99 (ms) | mean (ms) |
| ---: | ---: | ---: | ---: |
| ${number(small.rows)} | ${ms(small.p50Ms)} | ${ms(small.p99Ms)} | ${ms(small.meanMs)} |
| ${number(large.rows)} | ${ms(large.p50Ms)} | ${ms(large.p99Ms)} | ${ms(large.meanMs)} |

Ratio ${number(large.rows)} / ${number(small.rows)} rows: **${ratio(large.p50Ms / small.p50Ms)}** at p50,
${ratio(large.meanMs / small.meanMs)} in the mean (target ≤ 1.30×).

Plans of the statements this request issued (EXPLAIN ANALYZE with the bound values):

| rows | statement | access path | execution (ms) |
| ---: | --- | --- | ---: |
${[small, large]
  .flatMap((entry) =>
    entry.plans.map(
      (plan) =>
        `| ${number(entry.rows)} | \`${plan.sql.slice(0, 70)}…\` | ${plan.accessPaths.join('<br>')} | ${
          plan.executionMs === undefined ? '' : number(plan.executionMs, 3)
        } |`,
    ),
  )
  .join('\n')}

## 7. The process

| | |
| --- | --- |
| first start to first answer (migrates an empty database) | ${number(results.process.firstStartMs)} ms |
| restart to first answer (migrated, ${number(large.rows)} sessions) | ${number(results.process.restartMs)} ms |
| resident memory after start | ${mib(results.process.idleRssBytes)} |
| peak resident memory over the run | ${mib(results.process.peakRssBytes)} |

${renderLive(results.live, settings.rounds)}`;
}
