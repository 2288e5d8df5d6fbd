import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

export const CLIENT_DIR = resolve('examples/web');

/** `npm run build` in examples/web (type check + Vite), pointed at this API. */
export async function buildClient(apiUrl: string, outDir: string): Promise<void> {
  const child = spawn('npm', ['run', 'build', '--', '--outDir', outDir, '--emptyOutDir'], {
    cwd: CLIENT_DIR,
    env: { ...process.env, VITE_API_URL: apiUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`building examples/web failed (exit ${code}):\n${output}`);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StaticSite {
  /** e.g. http://localhost:41234 — another origin than the API's, same site. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves a built single-page app from `dir` on its own port, as any static host would. */
export async function serveStatic(dir: string): Promise<StaticSite> {
  const root = resolve(dir);
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(root, path);
    const send = async (target: string): Promise<void> => {
      const body = await readFile(target);
      response.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
      response.end(body);
    };
    const isFile = file.startsWith(root)
      ? stat(file).then(
          (info) => info.isFile(),
          () => false,
        )
      : Promise.resolve(false);
    isFile
      .then((found) => send(found ? file : join(root, 'index.html')))
      .catch(() => {
        response.writeHead(500).end();
      });
  });
  await new Promise<void>((listening) => server.listen(0, 'localhost', listening));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    origin: `http://localhost:${address.port}`,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}
