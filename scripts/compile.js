// `npm start`'s compiler: SWC, one file at a time, into the same dist/ that
// `npm run build` (tsc -p tsconfig.build.json) writes: dist/src/main.js, dist/migrations/…,
// dist/ormconfig.js, each with its source map. No type checking here: `npm run lint`
// runs the type checker, and `npm run build` stays tsc.
//
// Decorators compile as TypeScript's (legacyDecorator) with their design-time metadata
// (decoratorMetadata): NestJS injects by constructor parameter types and TypeORM reads
// column types from it. Each file compiles alone, as tsconfig.json's isolatedModules
// promises (and ts-jest relies on too); imports keep their `.js` suffixes (native ESM).
//
// Up to date check: dist/.compile-manifest.json keeps each source's size and mtime, SWC's
// version and these options. A second start compiles only what changed since (nothing,
// usually) and removes the output of a source that is gone.
//
//   node scripts/compile.js            # compile what changed
//   node scripts/compile.js --force    # compile everything
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT_DIR = join(ROOT, 'dist');
const MANIFEST = join(OUT_DIR, '.compile-manifest.json');
/** As tsconfig.build.json: its `include`, less its `exclude` (specs; test/ and bench/ are not included). */
const INCLUDE = ['src', 'migrations', 'ormconfig.ts'];
const isSource = (path) => path.endsWith('.ts') && !path.endsWith('.d.ts') && !path.endsWith('.spec.ts');

/** tsconfig.json's target (ES2023), decorators and class fields (define semantics, as tsc at that target). */
const OPTIONS = {
  swcrc: false,
  configFile: false,
  sourceMaps: true,
  module: { type: 'es6', strict: true },
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    target: 'es2023',
    keepClassNames: true,
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
  },
};

async function sourcesUnder(path) {
  const info = await stat(join(ROOT, path));
  if (!info.isDirectory()) return isSource(path) ? [path] : [];
  const entries = await readdir(join(ROOT, path), { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => sourcesUnder(join(path, entry.name))));
  return nested.flat();
}

async function readManifest() {
  try {
    return JSON.parse(await readFile(MANIFEST, 'utf8'));
  } catch {
    return { files: {} };
  }
}

function outputOf(source) {
  return join(OUT_DIR, source.replace(/\.ts$/, '.js'));
}

async function compileOne(swc, source) {
  const output = outputOf(source);
  const result = await swc.transformFile(join(ROOT, source), {
    ...OPTIONS,
    filename: join(ROOT, source),
    outputPath: output,
    // The map's `sources`, relative to the map, as tsc writes them.
    sourceFileName: relative(dirname(output), join(ROOT, source)).split(sep).join('/'),
  });
  await mkdir(dirname(output), { recursive: true });
  await Promise.all([
    writeFile(output, `${result.code}\n//# sourceMappingURL=${basename(output)}.map\n`),
    writeFile(`${output}.map`, result.map),
  ]);
}

async function main() {
  const started = performance.now();
  const force = process.argv.includes('--force');
  const swc = await import('@swc/core');
  const settings = createHash('sha256')
    .update(JSON.stringify({ version: swc.version, options: OPTIONS }))
    .digest('hex');
  const sources = (await Promise.all(INCLUDE.map(sourcesUnder)))
    .flat()
    .map((path) => path.split(sep).join('/'));
  const stamps = Object.fromEntries(
    await Promise.all(
      sources.map(async (source) => {
        const info = await stat(join(ROOT, source));
        return [source, `${info.size}:${info.mtimeMs}`];
      }),
    ),
  );
  const previous = await readManifest();
  const fresh = !force && previous.settings === settings;
  const changed = sources.filter(
    (source) => !fresh || previous.files[source] !== stamps[source] || !existsSync(outputOf(source)),
  );
  const gone = Object.keys(previous.files).filter((source) => !(source in stamps));

  await Promise.all(changed.map((source) => compileOne(swc, source)));
  await Promise.all(
    gone.flatMap((source) => [
      rm(outputOf(source), { force: true }),
      rm(`${outputOf(source)}.map`, { force: true }),
    ]),
  );
  if (changed.length > 0 || gone.length > 0) {
    await mkdir(OUT_DIR, { recursive: true });
    await writeFile(MANIFEST, JSON.stringify({ settings, files: stamps }));
  }
  const ms = Math.round(performance.now() - started);
  const what =
    changed.length === 0 ? 'dist/ is up to date' : `compiled ${changed.length} of ${sources.length} files`;
  process.stderr.write(`${what} (SWC, ${ms} ms; type checking: npm run lint)\n`);
}

await main();
