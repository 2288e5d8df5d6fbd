import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { type BenchResults, renderMarkdown } from './report.js';

/**
 * Every run is kept: `<name>.{md,json}` (latest by default) is overwritten,
 * and the same files go to bench/results/runs/<start time>-<label>.{md,json},
 * to be committed, so any figure the docs cite can be traced to its run.
 */
export async function writeResults(
  results: BenchResults & { server: string },
  name: string,
  label: string,
): Promise<string[]> {
  const directory = resolve('bench', 'results');
  const runs = resolve(directory, 'runs');
  await mkdir(runs, { recursive: true });
  // ISO time without colons (not allowed in Windows file names), e.g. 2026-12-05T12-40-03Z.
  const stamp = results.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const markdown = renderMarkdown(results);
  const files = [
    [resolve(directory, `${name}.json`), json],
    [resolve(directory, `${name}.md`), markdown],
    [resolve(runs, `${stamp}-${label}.json`), json],
    [resolve(runs, `${stamp}-${label}.md`), markdown],
  ] as const;
  for (const [path, content] of files) await writeFile(path, content);
  return files.map(([path]) => path.slice(resolve('.').length + 1));
}
