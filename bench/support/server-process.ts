import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { findFreePort } from '../../src/database/free-port.js';
import { graphql } from './http.js';

/** One SQL statement as the server sent it to PostgreSQL. */
export interface RecordedStatement {
  readonly text: string;
  readonly values: unknown[];
}

export interface ServerProcessOptions {
  /** The compiled entry point, e.g. dist/src/main.js. */
  readonly entry: string;
  readonly databaseUrl: string;
  /** Extra flags for node, e.g. --cpu-prof. */
  readonly nodeFlags?: string[];
  /** Passed through to the server: anything the deployment would set (rate limits, …). */
  readonly env?: NodeJS.ProcessEnv;
}

const COUNT_STATEMENTS = fileURLToPath(new URL('./count-statements.js', import.meta.url));

/**
 * The server as production runs it: its own process, NODE_ENV=production, so
 * its memory can be measured from outside and nothing of the benchmark's own
 * code shares its event loop. The only addition is the statement counter,
 * preloaded with `--import`.
 */
export class ServerProcess {
  private peakRssSampled = 0;
  private readonly sampler: NodeJS.Timeout;
  private readonly output: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** From spawning the process to the first successful GraphQL answer. */
    readonly startupMs: number,
  ) {
    // /proc's high-water mark (VmHWM) is exact on Linux; elsewhere, sampling is the best we have.
    this.sampler = setInterval(() => this.sampleRss(), 250);
    this.sampler.unref();
  }

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const port = await findFreePort();
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [...(options.nodeFlags ?? []), '--import', COUNT_STATEMENTS, resolve(options.entry)],
      {
        env: {
          // All the load comes from one address: at the default rate limits the
          // sign-in measurement would meet TOO_MANY_REQUESTS after 100 attempts
          // and measure the limiter, not Argon2. The caller's env still wins.
          RATE_LIMIT_PER_IP: '100000000',
          RATE_LIMIT_PER_IP_AND_ACCOUNT: '100000000',
          // Production refuses to start without a mail server and the app's address. Nothing listens
          // on this port: a mail the measured requests queue (a new-device alert) stays in the outbox.
          SMTP_URL: 'smtp://127.0.0.1:9',
          MAIL_FROM: 'Bench <bench@example.com>',
          PUBLIC_APP_URL: 'https://app.example.com',
          // Production also needs the key that seals authenticator secrets (a bench key, never a real one).
          TWO_FACTOR_ENCRYPTION_KEY: 'be'.repeat(32),
          ...process.env,
          ...options.env,
          NODE_ENV: 'production',
          PORT: String(port),
          DATABASE_URL: options.databaseUrl,
        },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);

    const url = `http://127.0.0.1:${port}/graphql`;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`the server exited with ${child.exitCode} before answering:\n${output.join('')}`);
      }
      const answer = await graphql(url, '{ __typename }').catch(() => null);
      if (answer?.status === 200) break;
      if (performance.now() - started > 120_000) {
        child.kill('SIGKILL');
        throw new Error(`the server did not answer within 120 s:\n${output.join('')}`);
      }
      await sleep(10);
    }
    const server = new ServerProcess(child, url, performance.now() - started);
    server.output.push(...output);
    return server;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resident set size now, in bytes. */
  rssBytes(): number {
    return readStatusField(this.pid, 'VmRSS') ?? psRssBytes(this.pid);
  }

  /** The highest resident set size the process has had so far, in bytes. */
  peakRssBytes(): number {
    this.sampleRss();
    return readStatusField(this.pid, 'VmHWM') ?? this.peakRssSampled;
  }

  /** Runs `action` and returns the SQL statements the server issued meanwhile. */
  async statementsDuring(action: () => Promise<unknown>): Promise<RecordedStatement[]> {
    await this.ask({ type: 'record' }, 'recording');
    await action();
    const reply = await this.ask({ type: 'report' }, 'statements');
    return reply.statements as RecordedStatement[];
  }

  /** How many statements (and of them UPDATEs) the server sent while `action` ran, without keeping them. */
  async statementCountDuring<T>(
    action: () => Promise<T>,
  ): Promise<{ result: T; statements: number; updates: number }> {
    await this.ask({ type: 'count' }, 'counting');
    const result = await action();
    const reply = await this.ask({ type: 'total' }, 'counted');
    return { result, statements: reply.count as number, updates: reply.updates as number };
  }

  /** The server's memory after a full collection (start it with nodeFlags ['--expose-gc'], or it is as it stands). */
  async memoryAfterGc(): Promise<NodeJS.MemoryUsage> {
    const reply = await this.ask({ type: 'memory' }, 'memoryUsage');
    return reply.usage as NodeJS.MemoryUsage;
  }

  /** SIGTERM, as an orchestrator would send: the server drains and exits 0. */
  async stop(): Promise<number | null> {
    clearInterval(this.sampler);
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    return code;
  }

  private sampleRss(): void {
    if (this.child.exitCode !== null) return;
    try {
      this.peakRssSampled = Math.max(this.peakRssSampled, this.rssBytes());
    } catch {
      // The process is exiting.
    }
  }

  private async ask(message: { type: string }, answer: string): Promise<Record<string, unknown>> {
    const reply = new Promise<Record<string, unknown>>((resolveReply) => {
      const onMessage = (received: unknown) => {
        const typed = received as Record<string, unknown>;
        if (typed.type !== answer) return;
        this.child.off('message', onMessage);
        resolveReply(typed);
      };
      this.child.on('message', onMessage);
    });
    this.child.send(message);
    return reply;
  }
}

function readStatusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function psRssBytes(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}
