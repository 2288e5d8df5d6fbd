import 'reflect-metadata';

import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

import { startBenchDatabase } from './support/database.js';
import { LoadSampler, machineInfo } from './support/machine.js';
import { log, runScript } from './support/script.js';
import { ServerProcess } from './support/server-process.js';
import { measureSignInLatency, type SignInLatency, signInLatencyRows } from './support/sign-in-latency.js';

/**
 * `npm run bench:sign-in`: `signIn` next to `signInWithPasskey` and a TOTP sign-in, latency of
 * one request at a time, on the production build in its own process and its
 * own PostgreSQL (the same measurement `npm run bench` makes at its end,
 * without the hour of the rest). Medians with [min–max] of the per-round
 * medians over BENCH_ROUNDS (5) rounds of BENCH_SAMPLES (40) sign-ins each;
 * writes bench/results/runs/<time>-sign-in.{md,json}.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const ENTRY = process.env.BENCH_SERVER_ENTRY ?? 'dist/src/main.js';
// The bench server's PUBLIC_APP_URL (server-process.ts): the passkeys' RP ID and origin come from it.
const APP_ORIGIN = 'https://app.example.com';

async function main(): Promise<void> {
  const machine = machineInfo();
  const load = new LoadSampler();
  const startedAt = new Date().toISOString();
  log(`machine: ${machine.cores} × ${machine.cpu}, 1-minute load average ${loadavg()[0]}`);
  const database = await startBenchDatabase();
  let server: ServerProcess | undefined;
  try {
    server = await ServerProcess.start({ entry: ENTRY, databaseUrl: database.url });
    const latency = await measureSignInLatency(server.url, {
      origin: APP_ORIGIN,
      rounds: ROUNDS,
      samplesPerRound: SAMPLES,
      warmup: 10,
    });
    const results = { startedAt, machine, loadAverage: load.stop(), postgres: database.description, latency };
    const stamp = startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
    const runs = resolve('bench', 'results', 'runs');
    await mkdir(runs, { recursive: true });
    await writeFile(resolve(runs, `${stamp}-sign-in.json`), `${JSON.stringify(results, null, 2)}\n`);
    await writeFile(resolve(runs, `${stamp}-sign-in.md`), renderSignInLatency(results));
    log(renderSignInLatency(results));
  } finally {
    await server?.stop();
    await database.stop();
  }
}

function renderSignInLatency(results: {
  startedAt: string;
  machine: ReturnType<typeof machineInfo>;
  loadAverage: { min: number; max: number; mean: number };
  postgres: string;
  latency: SignInLatency;
}): string {
  const { machine, loadAverage } = results;
  return `# Sign-in latency: password and passkey

Run ${results.startedAt} on commit ${machine.commit}: ${machine.cores} × ${machine.cpu}, Node.js ${machine.node},
${results.postgres}; the production build in its own process. 1-minute load average during the run:
${loadAverage.min.toFixed(1)}–${loadAverage.max.toFixed(1)} (mean ${loadAverage.mean.toFixed(1)}).
Each sample times the mutation alone (a passkey's options are fetched and signed before the clock starts).

${signInLatencyRows(results.latency)}
`;
}

runScript(main);
