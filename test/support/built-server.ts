import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { PRODUCTION_MAIL_ENV } from './production-mail-env.js';

/**
 * The server as `npm run start:prod` runs it: compiled by tsc into a directory
 * of this test file's own, then spawned as `node <dir>/src/main.js`, so tests
 * see what a process supervisor sees (its stdout, stderr, exit code, memory).
 */
export class BuiltServer {
  private constructor(private readonly dir: string) {}

  static async build(name: string): Promise<BuiltServer> {
    const dir = resolve('.data', `${name}-build-${process.pid}`);
    await promisify(execFile)(process.execPath, [
      resolve('node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      dir,
    ]);
    return new BuiltServer(dir);
  }

  /** stdout and stderr are pipes the caller reads, or not. */
  spawn(env: Record<string, string>): ChildProcess {
    return spawn(process.execPath, [resolve(this.dir, 'src/main.js')], {
      env: { ...process.env, ...(env.NODE_ENV === 'production' ? PRODUCTION_MAIL_ENV : {}), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

/** A port nothing listens on (just freed), for a server to take or a client to be refused at. */
export { findFreePort as freePort } from '../../src/database/free-port.js';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolveExit({ code: child.exitCode, signal: child.signalCode });
    } else {
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
    }
  });
}

/** Resolves once `url` answers; rejects if the process exits first. */
export async function waitUntilServing(child: ChildProcess, url: string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited with ${child.exitCode ?? child.signalCode}`);
    }
    const up = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return;
    await sleep(100);
  }
}

/** Resident memory of a live process, from /proc (Linux), in MiB. */
export async function residentMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

/** Everything a stream gives from now on, as text. */
export function collect(stream: NodeJS.ReadableStream | null): { readonly text: string } {
  const collected = { text: '' };
  stream?.on('data', (chunk: Buffer) => (collected.text += chunk.toString()));
  return collected;
}
