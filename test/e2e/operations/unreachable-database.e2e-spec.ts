import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

import { expect } from '@jest/globals';

import { BuiltServer, collect, exitOf, freePort } from '../../support/built-server.js';

const RETRY_DELAY_MS = 200;
const PASSWORD = 'n0t-in-any-log';

interface Arrival {
  readonly line: { level: number; time: string; msg: string; attempt?: number; attempts?: number };
  /** When the test read it: lines held back and written together arrive together. */
  readonly at: number;
}

/**
 * `node dist/src/main.js` with DATABASE_URL at a port nothing listens on: a
 * wrong port, a database that is down, a firewall that refuses.
 */
describe('starting with DATABASE_URL at a closed port', () => {
  let build: BuiltServer;

  beforeAll(async () => {
    build = await BuiltServer.build('unreachable-database');
  }, 120_000);

  afterAll(() => build?.remove());

  it('logs each failed attempt as it happens, with the host and port and what to check, then exits 1', async () => {
    const port = await freePort();
    const server = build.spawn({
      NODE_ENV: 'production',
      PORT: '0',
      DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:${port}/app`,
      DATABASE_CONNECT_RETRIES: '2',
      DATABASE_CONNECT_RETRY_DELAY_MS: String(RETRY_DELAY_MS),
    });
    const arrivals: Arrival[] = [];
    let pending = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      const at = performance.now();
      for (const line of lines) arrivals.push({ line: JSON.parse(line) as Arrival['line'], at });
    });
    const stderr = collect(server.stderr);

    // Three attempts 200 ms apart fail in milliseconds each: 15 s is all margin.
    const exit = await Promise.race([exitOf(server), sleep(15_000, 'still running' as const)]);
    server.kill('SIGKILL');
    // The last lines may arrive after the exit is reported.
    if (!server.stdout?.closed) await once(server.stdout!, 'close');

    expect(exit).toEqual({ code: 1, signal: null });
    const attempts = arrivals.filter(({ line }) => line.attempt !== undefined);
    expect(attempts.map(({ line }) => [line.attempt, line.attempts])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    const check =
      'Check that DATABASE_URL names the right host and port, that PostgreSQL is running there, ' +
      'and that it accepts connections from this machine (firewall, listen_addresses, pg_hba.conf).';
    for (const { line } of attempts) {
      expect(line.msg).toContain(
        `Cannot connect to PostgreSQL at 127.0.0.1:${port} (attempt ${line.attempt} of 3)`,
      );
      expect(line.msg).toContain('ECONNREFUSED');
      expect(line.msg).toContain(check);
    }
    expect(attempts[0].line.msg).toMatch(/Retrying in 200 ms\.$/);
    expect(attempts[2].line.msg).toMatch(/Giving up\.$/);
    // Written as they happened: the retry delay lies between the lines' times,
    // and between their arrivals here (not a speed test: lines held until
    // start-up ended would arrive together, however slow the machine).
    for (let i = 1; i < attempts.length; i++) {
      const logged = Date.parse(attempts[i].line.time) - Date.parse(attempts[i - 1].line.time);
      expect(logged).toBeGreaterThanOrEqual(RETRY_DELAY_MS - 5);
      expect(attempts[i].at - attempts[i - 1].at).toBeGreaterThanOrEqual(RETRY_DELAY_MS / 2);
    }
    // The closing line: written after the attempts, though at exit it may
    // overtake the last attempt's line still in flight to the pipe.
    const fatal = arrivals.filter(({ line }) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0].line.msg).toBe(
      `Could not connect to PostgreSQL at 127.0.0.1:${port} after 3 attempts: ` +
        `connect ECONNREFUSED 127.0.0.1:${port}. ${check}`,
    );
    expect(JSON.stringify(arrivals) + stderr.text).not.toContain(PASSWORD);
  }, 30_000);
});
