import { type CpuSources } from './cpu.js';
import { measureThroughput, type ThroughputOptions, type ThroughputResult } from './load.js';
import type { ServerProcess } from './server-process.js';

/** A median with the smallest and largest of the values it was taken over. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** One row of the table: a request sent to one server process under load. */
export interface Row {
  readonly name: string;
  readonly label: string;
  readonly server: ServerProcess;
  readonly query: string;
  readonly expected: RegExp;
  /** The pool of the database the server uses, when PostgreSQL runs on this machine (its CPU is counted). */
  readonly postgres?: CpuSources['localPostgres'];
  readonly perConnection?: ThroughputOptions['perConnection'];
  readonly perRequest?: ThroughputOptions['perRequest'];
  /** One request of this row sent alone, to count the statements it costs. */
  readonly sendOne?: () => Promise<unknown>;
  readonly target?: string;
}

/** A row's figures over the rounds: each round's sample, and medians with their spread. */
export interface RowFigures {
  readonly name: string;
  readonly label: string;
  readonly target?: string;
  /** SQL statements of one request sent alone (undefined: not counted). */
  readonly statementsAlone?: number;
  readonly samples: Array<ThroughputResult & { floorRequestsPerSecond: number }>;
  readonly requestsPerSecond: Spread;
  /** Each round's requests/s over the floor's measured just before it, in the same round. */
  readonly ratioToFloor: Spread;
  readonly p50Ms: Spread;
  readonly p99Ms: Spread;
  readonly cpuMicros?: { server: Spread; postgres: Spread; total: Spread };
  readonly statementsUnderLoad?: Spread;
  readonly writesUnderLoad?: Spread;
  readonly failures: number;
}

export interface Phase {
  readonly floor: RowFigures;
  readonly rows: RowFigures[];
}

export interface RoundSettings {
  readonly rounds: number;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Before the first measurement of each row (and of the floor) in the phase. */
  readonly warmupSeconds: number;
  /**
   * Instead, before the first measurement of a server process not measured
   * before: a fresh process spends its first seconds of load compiling
   * (V8's optimizing compiler threads count in its CPU time).
   */
  readonly processWarmupSeconds: number;
  /** Before every later measurement: the other server just had the cores. */
  readonly rewarmSeconds: number;
  readonly log: (message: string) => void;
}

/**
 * The floor alternates with every row: for each round, for each row, the
 * floor is measured and then the row, and the row's ratio is taken against
 * the floor measured just before it. Whatever the shared machine does then
 * lands on the floor as much as on the rows, and each ratio compares two
 * measurements seconds apart rather than one early floor with a late row.
 */
const warmedProcesses = new WeakSet<ServerProcess>();

export async function interleaved(floor: Row, rows: Row[], settings: RoundSettings): Promise<Phase> {
  const floorSamples: ThroughputResult[] = [];
  const rowSamples = rows.map((): Array<ThroughputResult & { floorRequestsPerSecond: number }> => []);
  const statementsAlone = new Map<string, number>();
  for (const row of [floor, ...rows]) {
    if (!row.sendOne) continue;
    statementsAlone.set(row.name, (await row.server.statementsDuring(row.sendOne)).length);
  }
  const warmed = new Set<Row>();
  const warmup = (row: Row): number => {
    if (warmed.has(row)) return settings.rewarmSeconds;
    if (!warmedProcesses.has(row.server))
      return Math.max(settings.processWarmupSeconds, settings.warmupSeconds);
    return settings.warmupSeconds;
  };
  const measure = async (row: Row): Promise<ThroughputResult> => {
    const result = await measureThroughput({
      url: row.server.url,
      query: row.query,
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
      warmupSeconds: warmup(row),
      perConnection: row.perConnection,
      perRequest: row.perRequest,
      verifyBody: (body) => row.expected.test(body),
      cpu: { serverPid: row.server.pid, localPostgres: row.postgres },
      countStatements: (action) => row.server.statementCountDuring(action),
    });
    warmed.add(row);
    warmedProcesses.add(row.server);
    return result;
  };
  for (let round = 0; round < settings.rounds; round++) {
    for (const [index, row] of rows.entries()) {
      const floorSample = await measure(floor);
      floorSamples.push(floorSample);
      const sample = await measure(row);
      rowSamples[index].push({ ...sample, floorRequestsPerSecond: floorSample.requestsPerSecond });
      settings.log(
        `  round ${round + 1}/${settings.rounds} ${row.name}: ${sample.requestsPerSecond.toFixed(0)} req/s, ` +
          `floor ${floorSample.requestsPerSecond.toFixed(0)}: ${(sample.requestsPerSecond / floorSample.requestsPerSecond).toFixed(2)}×`,
      );
    }
  }
  return {
    floor: figures(
      floor,
      floorSamples.map((sample) => ({ ...sample, floorRequestsPerSecond: sample.requestsPerSecond })),
      statementsAlone.get(floor.name),
    ),
    rows: rows.map((row, index) => figures(row, rowSamples[index], statementsAlone.get(row.name))),
  };
}

function figures(
  row: Row,
  samples: Array<ThroughputResult & { floorRequestsPerSecond: number }>,
  statementsAlone: number | undefined,
): RowFigures {
  const of = (pick: (sample: ThroughputResult) => number | undefined): Spread | undefined => {
    const values = samples.map(pick).filter((value): value is number => value !== undefined);
    return values.length === samples.length && values.length > 0 ? spread(values) : undefined;
  };
  const server = of((sample) => sample.cpu?.serverMicros);
  const postgres = of((sample) => sample.cpu?.postgresMicros);
  const total = of((sample) => sample.cpu && sample.cpu.serverMicros + sample.cpu.postgresMicros);
  return {
    name: row.name,
    label: row.label,
    target: row.target,
    statementsAlone,
    samples,
    requestsPerSecond: spread(samples.map((sample) => sample.requestsPerSecond)),
    ratioToFloor: spread(samples.map((sample) => sample.requestsPerSecond / sample.floorRequestsPerSecond)),
    p50Ms: spread(samples.map((sample) => sample.p50Ms)),
    p99Ms: spread(samples.map((sample) => sample.p99Ms)),
    cpuMicros: server && postgres && total ? { server, postgres, total } : undefined,
    statementsUnderLoad: of((sample) => sample.statementsPerRequestUnderLoad),
    writesUnderLoad: of((sample) => sample.writesPerRequestUnderLoad),
    failures: samples.reduce((sum, sample) => sum + sample.failures, 0),
  };
}
