import type { CrossedAnswers } from './crossed-answers.js';
import type { LatencyResult, ThroughputResult } from './load.js';
import type { MachineInfo } from './machine.js';
import type { ExplainedStatement } from './plans.js';

type Throughput = ThroughputResult & { statementsPerRequest: number };

interface CountLatency extends LatencyResult {
  readonly rows: number;
  readonly plans: ExplainedStatement[];
}

export interface BenchResults {
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly loadAverage: { min: number; max: number; mean: number };
  readonly postgres: string;
  readonly settings: { connections: number; durationSeconds: number; warmupSeconds: number };
  readonly argon2: string;
  readonly throughput: {
    floor: Throughput;
    bearerMeId: Throughput;
    bearerMeCount: Throughput;
    cookieMeId: Throughput;
    cookieMeCount: Throughput;
    bearerMeIdLarge: Throughput;
    bearerMeCountLarge: Throughput;
    signIn: Throughput;
  };
  readonly crossedAnswers: CrossedAnswers;
  readonly countLatency: { small: CountLatency; large: CountLatency };
  readonly signOutOthers: Array<{
    others: number;
    medianMs: number;
    latenciesMs: number[];
    statements: number;
    deletes: number;
    sql: string[];
  }>;
  readonly process: { firstStartMs: number; restartMs: number; idleRssBytes: number; peakRssBytes: number };
  readonly failures: string[];
}

const number = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => (value < 10 ? number(value, 2) : number(value, 1));
const mib = (bytes: number) => `${number(bytes / 2 ** 20)} MiB`;
const ratio = (value: number) => `${number(value, 2)}×`;

/** bench/results/latest.md: the figures of one run, with what they were measured on. */
export function renderMarkdown(results: BenchResults & { server: string }): string {
  const t = results.throughput;
  const floor = t.floor.requestsPerSecond;
  const row = (name: string, result: Throughput, target = '') =>
    // autocannon's latencies are whole milliseconds.
    `| ${name} | ${number(result.requestsPerSecond)} | ${number(result.p50Ms)} | ${number(result.p99Ms)} | ${ratio(
      result.requestsPerSecond / floor,
    )} | ${target} | ${result.statementsPerRequest} | ${
      result.statementsPerRequestUnderLoad === undefined
        ? 'n/a'
        : number(result.statementsPerRequestUnderLoad, 2)
    } | ${
      result.cpu ? `${number(result.cpu.serverMicros)} + ${number(result.cpu.postgresMicros)}` : 'n/a'
    } |`;
  const { small, large } = results.countLatency;
  const { machine, loadAverage, settings } = results;

  return `# Benchmark results

Run ${results.startedAt} on commit ${machine.commit}: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB,
${machine.platform}, Node.js ${machine.node}, ${results.postgres}. Server: \`node ${results.server}\`,
NODE_ENV=production, in its own process; load from autocannon in the benchmark's process, on the same
machine. ${settings.connections} connections, ${settings.durationSeconds} s per measurement after ${settings.warmupSeconds} s of warm-up.

1-minute load average during the run: ${loadAverage.min} to ${loadAverage.max} (mean ${loadAverage.mean}) on
${machine.cores} cores. The machine is shared: compare figures within one run (the ratios), not across runs.
${results.failures.length > 0 ? `\n**This run is not valid:** ${results.failures.join('; ')}\n` : ''}
## Throughput at ${settings.connections} connections

Latencies in whole ms (autocannon's resolution). "× floor" is requests/s relative to \`{ __typename }\` in the same run. "SQL" is the number of
statements the server sent to PostgreSQL for one request sent alone (counted at \`pg.Client#query\`); "SQL/req under load" is
the statements it sent over the measurement divided by the requests it answered, lower where concurrent requests
shared a session lookup (src/database/coalescing-lookup.ts). "CPU µs/req" is the CPU
time (user + system, from /proc) one request cost the server process + the PostgreSQL backends serving it: steadier
than req/s when other processes share the cores.

| request | req/s | p50 | p99 | × floor | target | SQL | SQL/req under load | CPU µs/req |
| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |
${row('1. floor: `{ __typename }`, no token', t.floor)}
${row('2a. `{ me { id } }`, bearer', t.bearerMeId, '≥ 0.70×')}
${row('2b. `{ me { id activeSessionCount } }`, bearer', t.bearerMeCount, '≥ 0.50×')}
${row('3a. `{ me { id } }`, cookie', t.cookieMeId)}
${row('3b. `{ me { id activeSessionCount } }`, cookie', t.cookieMeCount)}
${row(`2a at ${number(large.rows)} session rows`, t.bearerMeIdLarge)}
${row(`2b at ${number(large.rows)} session rows`, t.bearerMeCountLarge)}
${row('6. `signIn` (Argon2 verify + INSERT)', t.signIn)}

Tables held ${number(small.rows)} session rows for 1–3. Argon2: ${results.argon2}.

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
`;
}
