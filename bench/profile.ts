import 'reflect-metadata';

import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';

import { PasswordHasher } from '../src/auth/password-hasher.js';
import { Seeder, startBenchDatabase } from './support/database.js';
import { measureThroughput } from './support/load.js';
import { bearer, EXPECTED_BODY, PASSWORD, QUERIES } from './support/scenarios.js';
import { ServerProcess } from './support/server-process.js';

/**
 * `npm run bench:profile [-- floor|meId|meCount|meIdTouchDue]`: where the
 * server's CPU time goes under one of the benchmark's loads (meIdTouchDue:
 * row 2c, the activity write due on every request: touch interval 1 s,
 * 10,000 sessions sent in turn). Runs the production build with
 * `node --cpu-prof`, then prints self time grouped by package and the top
 * functions. The raw .cpuprofile stays in .data/profiles/ (open it in Chrome
 * DevTools or speedscope).
 */
type Scenario = 'floor' | 'meId' | 'meCount' | 'meIdTouchDue';
const QUERY_OF = { floor: 'floor', meId: 'meId', meCount: 'meCount', meIdTouchDue: 'meId' } as const;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const scenario = (process.argv[2] ?? 'meCount') as Scenario;
const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const ENTRY = process.env.BENCH_SERVER_ENTRY ?? 'dist/src/main.js';

async function main(): Promise<void> {
  if (!(scenario in QUERY_OF))
    throw new Error(`unknown scenario ${scenario}: floor, meId, meCount or meIdTouchDue`);
  const query = QUERY_OF[scenario];
  const touchDue = scenario === 'meIdTouchDue';
  const directory = resolve('.data', 'profiles', `${scenario}-${process.pid}`);
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  const database = await startBenchDatabase();
  try {
    const server = await ServerProcess.start({
      entry: ENTRY,
      databaseUrl: database.url,
      nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${directory}`],
      env: touchDue ? { SESSION_TOUCH_INTERVAL_SECONDS: '1' } : {},
    });
    const seeder = new Seeder(database.pool, await new PasswordHasher().hash(PASSWORD));
    const readers = touchDue
      ? await seeder.usersWithTokens('toucher-', 10_000, 0)
      : await seeder.usersWithTokens('reader-', 100, 9);
    await seeder.settle();
    let next = 0;
    const result = await measureThroughput({
      url: server.url,
      query: QUERIES[query],
      connections: 16,
      durationSeconds: DURATION,
      warmupSeconds: 0,
      perConnection:
        scenario === 'floor' || touchDue
          ? undefined
          : (i) => ({ headers: bearer(readers[i % readers.length]) }),
      perRequest: touchDue ? () => bearer(readers[next++ % readers.length]) : undefined,
      verifyBody: (body) => EXPECTED_BODY[query].test(body),
    });
    process.stdout.write(`${scenario}: ${result.requestsPerSecond.toFixed(0)} req/s under the profiler\n`);
    await server.stop();
  } finally {
    await database.stop();
  }

  const [file] = (await readdir(directory)).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written to ${directory}`);
  const profile = JSON.parse(await readFile(resolve(directory, file), 'utf8')) as CpuProfile;
  printSummary(profile);
  process.stdout.write(`\nprofile: ${resolve(directory, file)}\n`);
}

function printSummary(profile: CpuProfile): void {
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of selfTime) {
    const frame = byId.get(id)?.callFrame;
    // Idle time is the seeding and the gaps between requests, not work.
    if (!frame || frame.functionName === '(idle)') continue;
    total += micros;
    const group = packageOf(frame.url, frame.functionName);
    byPackage.set(group, (byPackage.get(group) ?? 0) + micros);
    const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  }
  const print = (title: string, entries: Map<string, number>, limit: number) => {
    process.stdout.write(`\n${title}\n`);
    for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
      process.stdout.write(`${((micros / total) * 100).toFixed(1).padStart(6)} %  ${name}\n`);
    }
  };
  print('self time by package', byPackage, 25);
  print('self time by function', byFunction, 40);
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return url;
  if (url.includes('/dist/')) return 'the app (dist/)';
  return url;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 1) : url;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
