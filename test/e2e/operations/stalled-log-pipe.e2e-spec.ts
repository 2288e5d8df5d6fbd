import type { ChildProcess } from 'node:child_process';
import { Agent, get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { expect } from '@jest/globals';
import pg from 'pg';

import {
  BuiltServer,
  collect,
  type Exit,
  exitOf,
  freePort,
  residentMiB,
  waitUntilServing,
} from '../../support/built-server.js';
import { uniqueEmail } from '../../support/factories.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

/**
 * Each request logs its path: an 8 kB one makes an 8 kB log line, so a few
 * thousand requests write far more log than the memory any other part of the
 * server grows by under the same load (which is about 150 MiB on its own).
 */
const LONG_PATH = `/health/live/${'x'.repeat(8 * 1024)}`;
const CONCURRENCY = 16;
/**
 * The growth of resident memory allowed over the load: generous for the
 * server's own garbage, far under what the old code buffered for a stdout
 * nobody read (the whole log: about 2.5 times the ~160 MB written).
 */
const MAX_GROWTH_MIB = 250;
const SHUTDOWN_TIMEOUT_SECONDS = 5;
/** For the process to notice the deadline and exit on a busy machine. */
const EXIT_MARGIN_MS = 5_000;

/** `total` GETs of `url`, CONCURRENCY at a time on keep-alive connections; `sample` every 200 ms. */
async function load(url: string, total: number, sample: () => Promise<void> = async () => {}): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let sent = 0;
  const one = (): Promise<void> =>
    new Promise((done, fail) => {
      get(url, { agent }, (response) => {
        response.resume();
        response.once('end', () => done());
      }).once('error', fail);
    });
  const worker = async (): Promise<void> => {
    for (; sent < total; sent++) await one();
  };
  let loading = true;
  const sampler = (async () => {
    while (loading) {
      await sample();
      await sleep(200);
    }
  })();
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    loading = false;
    await sampler;
    agent.destroy();
  }
}

/** How long after `signal` the process exits, or 'still running' past `withinMs`. */
async function exitAfterSignal(
  server: ChildProcess,
  exited: Promise<Exit>,
  withinMs: number,
): Promise<{ exit: Exit | 'still running'; afterMs: number }> {
  const signalled = performance.now();
  server.kill('SIGTERM');
  const exit = await Promise.race([exited, sleep(withinMs, 'still running' as const)]);
  return { exit, afterMs: performance.now() - signalled };
}

describe('with stdout a pipe nobody reads (a stuck log shipper)', () => {
  let build: BuiltServer;
  let database: TestDatabase;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    build = await BuiltServer.build('stalled-log-pipe');
    database = await createTestDatabase();
  }, 120_000);

  afterEach(() => {
    server?.kill('SIGKILL');
    server?.stdout?.destroy();
    server?.stderr?.destroy();
    server = undefined;
  });

  afterAll(async () => {
    await database?.drop();
    await build?.remove();
  });

  async function start(env: Record<string, string> = {}): Promise<{ url: string; exited: Promise<Exit> }> {
    const port = await freePort();
    server = build.spawn({
      NODE_ENV: 'production',
      // One line per request.
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATABASE_URL: database.url,
      SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_TIMEOUT_SECONDS),
      ...env,
    });
    const exited = exitOf(server);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilServing(server, `${url}/health/live`);
    return { url, exited };
  }

  it('keeps its memory bounded under load, and still exits 0 promptly on SIGTERM', async () => {
    const { url, exited } = await start();
    const pid = server!.pid!;
    const before = await residentMiB(pid);
    let peak = before;
    const sample = async (): Promise<void> => {
      peak = Math.max(peak, await residentMiB(pid));
    };
    await load(`${url}${LONG_PATH}`, 20_000, sample);
    await sample();

    const { exit, afterMs } = await exitAfterSignal(
      server!,
      exited,
      SHUTDOWN_TIMEOUT_SECONDS * 1000 + EXIT_MARGIN_MS,
    );
    console.log(
      `stalled stdout: RSS ${before.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB at peak; exit ${JSON.stringify(exit)} ${afterMs.toFixed(0)} ms after SIGTERM`,
    );
    expect(peak - before).toBeLessThan(MAX_GROWTH_MIB);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('says how many lines it dropped once the pipe drains', async () => {
    const { url, exited } = await start({ LOG_BUFFER_BYTES: String(256 * 1024) });
    // Far more than the pipe and the 256 kB buffer hold.
    await load(`${url}${LONG_PATH}`, 2_000);

    const stdout = collect(server!.stdout);
    const report = await (async () => {
      for (;;) {
        const match = /^.*"droppedLogLines":(\d+).*$/m.exec(stdout.text);
        if (match) return { line: JSON.parse(match[0]) as { msg: string }, dropped: Number(match[1]) };
        await sleep(100);
      }
    })();
    expect(report.dropped).toBeGreaterThan(0);
    expect(report.line.msg).toBe(
      `Dropped ${report.dropped} log lines: stdout was not being read and 262144 bytes (LOG_BUFFER_BYTES) were already waiting`,
    );

    const { exit } = await exitAfterSignal(server!, exited, SHUTDOWN_TIMEOUT_SECONDS * 1000 + EXIT_MARGIN_MS);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('cuts a shutdown that outlasts SHUTDOWN_TIMEOUT_SECONDS, saying on stderr what it was waiting for, and exits 1', async () => {
    const { url, exited } = await start({ SHUTDOWN_TIMEOUT_SECONDS: '2' });
    const stderr = collect(server!.stderr);
    await load(`${url}${LONG_PATH}`, 1_000);

    // A sign-up held at its INSERT by a lock that is never released: its request stays in flight.
    const locker = new pg.Client({ connectionString: database.url });
    locker.on('error', () => undefined);
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
      void fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }',
          variables: { input: { email: uniqueEmail(), password: 'long enough password' } },
        }),
      }).catch(() => undefined);
      // Watched from another connection: pg_stat_activity is a snapshot within a transaction.
      const observer = new pg.Client({ connectionString: database.url });
      await observer.connect();
      for (;;) {
        const { rows } = await observer.query<{ waiting: string }>(
          "SELECT count(*) AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO users %'",
        );
        if (Number(rows[0].waiting) === 1) break;
        await sleep(20);
      }
      await observer.end();

      const { exit, afterMs } = await exitAfterSignal(server!, exited, 2_000 + EXIT_MARGIN_MS);
      expect(exit).toEqual({ code: 1, signal: null });
      expect(afterMs).toBeGreaterThanOrEqual(1_900);
      expect(stderr.text).toMatch(
        /^Shutdown did not finish within SHUTDOWN_TIMEOUT_SECONDS \(2 s\); still waiting for: the HTTP server to close \(1 connections with requests in flight\); the database connection pool to close\. Exiting with code 1\.$/m,
      );
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  }, 120_000);
});
