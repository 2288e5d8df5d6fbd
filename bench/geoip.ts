import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadConfig } from '../src/config/app-config.js';
import { IpLocator } from '../src/geoip/ip-locator.js';

/**
 * `npm run bench:geoip`: what the approximate location costs.
 *
 * - **Lookup**: ns per `IpLocator.locate()` (the private-range check, the tree
 *   walk, the record's decoding into an ApproximateLocation), over addresses
 *   spread across the public IPv4 and IPv6 space, uncached as at sign-in: the
 *   one lookup a sign-in or an address change adds.
 * - **Memory**: what opening the database adds to a fresh process (RSS and
 *   Node's `external`, where the file's Buffer lives), after a GC, each
 *   sample in its own process.
 *
 * The default country database, and a city one when GEOIP_BENCH_CITY names
 * its file. Medians with [min–max] over BENCH_ROUNDS (7) rounds / processes;
 * writes bench/results/runs/<time>-geoip.md. The request path (`me { id }`,
 * `me { sessions { location } }`) is measured by `npm run bench`, rows 2d and 2e.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ADDRESSES = 20_000;
const MiB = 1024 * 1024;

interface Sample {
  readonly rssBytes: number;
  readonly externalBytes: number;
}

if (process.argv[2] === '--memory') {
  // A child: open the database and report what it added.
  const path = process.argv[3];
  const gc = globalThis.gc!;
  gc();
  const before = process.memoryUsage();
  const locator = await IpLocator.open({ databasePath: path, watchIntervalSeconds: 0 });
  gc();
  const after = process.memoryUsage();
  locator.onModuleDestroy();
  const sample: Sample = {
    rssBytes: after.rss - before.rss,
    externalBytes: after.external - before.external,
  };
  process.stdout.write(JSON.stringify(sample));
  process.exit(0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
const spread = (values: number[], digits: number): string =>
  `${median(values).toFixed(digits)} [${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}]`;

/** Deterministic pseudo-random addresses (a fixed-seed LCG), so every run looks up the same ones. */
function addresses(): string[] {
  let seed = 42;
  const next = (): number => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0);
  return Array.from({ length: ADDRESSES }, (_, i) =>
    i % 4 === 3
      ? `2${(next() % 0x3ff).toString(16).padStart(3, '0')}:${(next() & 0xffff).toString(16)}::${(next() & 0xffff).toString(16)}`
      : [(next() % 223) + 1, next() & 255, next() & 255, next() & 255].join('.'),
  );
}

async function lookupNs(path: string): Promise<{ ns: number[]; located: number }> {
  const locator = await IpLocator.open({ databasePath: path, watchIntervalSeconds: 0 });
  const list = addresses();
  let located = 0;
  for (const address of list) if (locator.locate(address)) located++; // warm-up, and the hit rate
  const ns: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (const address of list) locator.locate(address);
    ns.push(Number(process.hrtime.bigint() - start) / list.length);
  }
  locator.onModuleDestroy();
  return { ns, located };
}

function memory(path: string): Sample[] {
  const self = fileURLToPath(import.meta.url);
  return Array.from({ length: ROUNDS }, () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--memory', path], {
      encoding: 'utf8',
    });
    return JSON.parse(out) as Sample;
  });
}

const databases = [
  { name: 'country (default)', path: loadConfig({}).geoip.databasePath! },
  ...(process.env.GEOIP_BENCH_CITY
    ? [{ name: 'city (GEOIP_BENCH_CITY)', path: resolve(process.env.GEOIP_BENCH_CITY) }]
    : []),
];
const startedAt = new Date();
const load = loadavg();
const lines = [
  `# GeoIP cost, ${startedAt.toISOString()}`,
  '',
  `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}; 1-minute load average at start ${load[0].toFixed(2)}`,
  `(the machine is shared: a load above the core count makes the lookup figures high and wide).`,
  `${ROUNDS} rounds of ${ADDRESSES.toLocaleString('en-US')} lookups (¾ IPv4, ¼ IPv6); memory: ${ROUNDS} fresh processes.`,
  '',
  '| database | file | lookup, ns (median [min–max]) | addresses placed | RSS added, MiB | external added, MiB |',
  '| --- | --- | --- | --- | --- | --- |',
];
for (const database of databases) {
  const { ns, located } = await lookupNs(database.path);
  const samples = memory(database.path);
  lines.push(
    `| ${database.name} | \`${database.path.replace(`${process.cwd()}/`, '')}\` | ${spread(ns, 0)} | ${((100 * located) / ADDRESSES).toFixed(0)} % | ${spread(
      samples.map((s) => s.rssBytes / MiB),
      1,
    )} | ${spread(
      samples.map((s) => s.externalBytes / MiB),
      1,
    )} |`,
  );
  console.log(lines.at(-1));
}
const dir = resolve('bench/results/runs');
mkdirSync(dir, { recursive: true });
const file = resolve(dir, `${startedAt.toISOString().slice(0, 19).replace(/:/g, '-')}Z-geoip.md`);
writeFileSync(file, `${lines.join('\n')}\n`);
console.log(`wrote ${file}`);
