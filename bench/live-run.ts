import 'reflect-metadata';

import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

import { PasswordHasher } from '../src/auth/password-hasher.js';
import { measureLive } from './live.js';
import { Seeder, startBenchDatabase } from './support/database.js';
import { renderLive } from './support/live-report.js';
import { LoadSampler, machineInfo } from './support/machine.js';
import { PASSWORD } from './support/scenarios.js';
import { log, runScript } from './support/script.js';

/**
 * `npm run bench:live`: section 8 of `npm run bench` alone (the live-updates
 * rows), for work on the WebSocket path without the 25-minute full run.
 * Writes bench/results/live-latest.{md,json} and a timestamped copy in runs/.
 * BENCH_ROUNDS (3), BENCH_SERVER_ENTRY (dist/src/main.js).
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ENTRY = process.env.BENCH_SERVER_ENTRY ?? 'dist/src/main.js';

async function main(): Promise<void> {
  const machine = machineInfo();
  const load = new LoadSampler();
  const startedAt = new Date().toISOString();
  log(`machine: ${machine.cores} × ${machine.cpu}, 1-minute load average ${loadavg()[0]}`);
  const database = await startBenchDatabase();
  try {
    const seeder = new Seeder(database.pool, await new PasswordHasher().hash(PASSWORD));
    const live = await measureLive({ entry: ENTRY, databaseUrl: database.url, seeder, rounds: ROUNDS, log });
    const loadAverage = load.stop();
    const markdown = `# Live-updates benchmark (\`npm run bench:live\`)

Run ${startedAt} on commit ${machine.commit}: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB,
${machine.platform}, Node.js ${machine.node}, ${database.description}. Servers: \`node ${ENTRY}\`,
NODE_ENV=production, each in its own process. 1-minute load average during the run:
${loadAverage.min} to ${loadAverage.max} (mean ${loadAverage.mean}).

${renderLive(live, ROUNDS)}`;
    const json = `${JSON.stringify({ startedAt, machine, loadAverage, postgres: database.description, rounds: ROUNDS, live }, null, 2)}\n`;
    const stamp = startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
    await mkdir(resolve('bench/results/runs'), { recursive: true });
    for (const [path, content] of [
      ['bench/results/live-latest.md', markdown],
      ['bench/results/live-latest.json', json],
      [`bench/results/runs/${stamp}-live.md`, markdown],
      [`bench/results/runs/${stamp}-live.json`, json],
    ])
      await writeFile(resolve(path), content);
    log(`written: bench/results/live-latest.{md,json}, bench/results/runs/${stamp}-live.{md,json}`);
  } finally {
    await database.stop();
  }
}

runScript(main);
