import { setTimeout as sleep } from 'node:timers/promises';

import autocannon from 'autocannon';

import { type CpuPerRequest, cpuPerRequest, cpuSnapshot, type CpuSources } from './cpu.js';

export interface ThroughputOptions {
  /** The GraphQL endpoint. */
  readonly url: string;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  /** Concurrent connections, each sending its next request as soon as the last is answered. */
  readonly connections: number;
  readonly durationSeconds: number;
  /** Not recorded: lets the JIT, the pools and PostgreSQL's caches settle first. */
  readonly warmupSeconds: number;
  /** Per connection, e.g. its own user's token: connection `i` keeps what `i` gets. */
  readonly perConnection?: (index: number) => { headers?: Record<string, string>; body?: string };
  /**
   * Headers for each request in turn, across all connections (e.g. the next of
   * many sessions): overrides perConnection's headers. Costs the load generator
   * one request rebuild per request.
   */
  readonly perRequest?: () => Record<string, string>;
  /** Every response body is checked; one that fails counts as a mismatch and invalidates the run. */
  readonly verifyBody: (body: string) => boolean;
  /** Also measure the CPU time each request costs. */
  readonly cpu?: CpuSources;
  /** Also count the SQL statements the server sent during the measurement (ServerProcess#statementCountDuring). */
  readonly countStatements?: <T>(
    action: () => Promise<T>,
  ) => Promise<{ result: T; statements: number; updates: number }>;
}

export interface ThroughputResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly requests: number;
  /** Connection errors, timeouts, non-2xx answers and bodies that failed `verifyBody`. */
  readonly failures: number;
  readonly cpu?: CpuPerRequest;
  /**
   * Statements sent over the measurement divided by the requests answered: below
   * the statements of one request alone when concurrent requests share one.
   */
  readonly statementsPerRequestUnderLoad?: number;
  /** UPDATEs (the session activity write) over the measurement divided by the requests answered. */
  readonly writesPerRequestUnderLoad?: number;
}

/** Closed-loop load at a fixed number of connections (autocannon), after a warm-up. */
export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  if (options.warmupSeconds > 0) await run(options, options.warmupSeconds);
  const before = options.cpu && (await cpuSnapshot(options.cpu));
  const counted = options.countStatements
    ? await options.countStatements(() => run(options, options.durationSeconds))
    : { result: await run(options, options.durationSeconds), statements: undefined, updates: undefined };
  const { result } = counted;
  const cpu = options.cpu && (await cpuPerRequest(before, options.cpu, result.requests.total));
  // autocannon stops sending, but the server is still answering what it had
  // queued: let it drain, so the next measurement starts from an idle server.
  await sleep(1_000);
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.mean,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx + result.mismatches,
    cpu,
    statementsPerRequestUnderLoad:
      counted.statements === undefined ? undefined : counted.statements / Math.max(1, result.requests.total),
    writesPerRequestUnderLoad:
      counted.updates === undefined ? undefined : counted.updates / Math.max(1, result.requests.total),
  };
}

function run(options: ThroughputOptions, durationSeconds: number): Promise<autocannon.Result> {
  let nextConnection = 0;
  const { perRequest } = options;
  return autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: options.query, variables: options.variables ?? {} }),
    connections: options.connections,
    duration: durationSeconds,
    setupClient: (client) => {
      const own = options.perConnection?.(nextConnection++);
      if (own?.headers) client.setHeaders({ 'content-type': 'application/json', ...own.headers });
      if (own?.body) client.setBody(own.body);
    },
    requests: perRequest && [
      {
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...perRequest() } }),
      },
    ],
    verifyBody: (body) => options.verifyBody(String(body ?? '')),
  });
}

export interface LatencyResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly samples: number;
}

/** One request at a time, so each timing is the latency of that request alone. */
export async function measureLatency(
  action: () => Promise<unknown>,
  { samples, warmup }: { samples: number; warmup: number },
): Promise<LatencyResult> {
  for (let i = 0; i < warmup; i++) await action();
  const timings: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await action();
    timings.push(performance.now() - started);
  }
  return summarize(timings);
}

/**
 * One request at a time to each of several targets, taking turns: `rounds`
 * rounds of `samplesPerRound` requests each. Whatever else the machine does
 * (a checkpoint, autovacuum, another process) then lands on every target alike
 * instead of on whichever was measured at that moment.
 */
export async function alternatingLatency(
  actions: Array<() => Promise<unknown>>,
  { rounds, samplesPerRound, warmup }: { rounds: number; samplesPerRound: number; warmup: number },
): Promise<LatencyResult[]> {
  for (const action of actions) for (let i = 0; i < warmup; i++) await action();
  const timings = actions.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, action] of actions.entries()) {
      for (let i = 0; i < samplesPerRound; i++) {
        const started = performance.now();
        await action();
        timings[index].push(performance.now() - started);
      }
    }
  }
  return timings.map(summarize);
}

export function summarize(timings: number[]): LatencyResult {
  const sorted = [...timings].sort((a, b) => a - b);
  return {
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    samples: sorted.length,
  };
}

function percentile(sorted: number[], fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index];
}

export function median(values: number[]): number {
  return summarize(values).p50Ms;
}
