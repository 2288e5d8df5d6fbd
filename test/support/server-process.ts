import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { type BuiltServer, freePort } from './built-server.js';

const OUTPUT_KEPT = 20_000;

/**
 * The built server (`node dist/src/main.js`) as its own process: an uncaught
 * error shows as what it is in production, an exit, instead of failing a test
 * somewhere else in a shared process.
 */
export class ServerProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /**
   * Starts it on a free port and waits until it answers `/health/ready`, so
   * that no log line is needed (LOG_LEVEL may be quiet).
   */
  static async spawn(build: BuiltServer, env: Record<string, string>): Promise<ServerProcess> {
    const port = await freePort();
    const child = build.spawn({ NODE_ENV: 'production', ...env, PORT: String(port) });
    const server = new ServerProcess(child, `http://localhost:${port}`);
    const keep = (chunk: Buffer): void => {
      server.output = (server.output + chunk.toString()).slice(-OUTPUT_KEPT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null)
        throw new Error(`server exited with ${server.exitCode}:\n${server.output}`);
      if (Date.now() > deadline) throw new Error(`server not ready within a minute:\n${server.output}`);
      const ready = await fetch(`${server.url}/health/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return server;
      await sleep(100);
    }
  }

  /** The process's exit code, or `null` while it runs. */
  get exitCode(): number | null {
    return this.child.exitCode ?? (this.child.signalCode ? -1 : null);
  }

  /** The end of what it wrote (stdout and stderr), e.g. the uncaught error it died of. */
  get recentOutput(): string {
    return this.output;
  }

  /** SIGKILL, as an out-of-memory killer or a lost host ends it; resolves once it has exited. */
  async kill(): Promise<void> {
    if (this.exitCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.exitCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited.finally(() => clearTimeout(timer));
  }
}
