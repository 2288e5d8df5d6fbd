import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { expect } from '@jest/globals';
import pg from 'pg';

import { uniqueEmail } from '../../support/factories.js';
import { PRODUCTION_MAIL_ENV } from '../../support/production-mail-env.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

const SIGN_UP = 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token user { email } } }';

/** Resolves with the server's URL once main.ts logs it; rejects if the process exits first. */
function readyUrl(server: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let output = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphQL ready at (http:\/\/\S+)\/graphql/.exec(output);
      if (match) resolveUrl(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

function exitCode(server: ChildProcess): Promise<number | null> {
  return new Promise((resolveCode) => {
    if (server.exitCode !== null) resolveCode(server.exitCode);
    else server.once('exit', (code) => resolveCode(code));
  });
}

/** An HTTP/1.1 keep-alive connection that has had its answer and now sits idle. */
async function idleKeepAliveConnection(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((connected) => socket.once('connect', () => connected()));
  await new Promise<void>((answered) => {
    socket.once('data', () => answered());
    socket.write(`GET /health/live HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: keep-alive\r\n\r\n`);
  });
  return socket;
}

/**
 * The built server (`node dist/src/main.js`, as `npm run start:prod` runs it)
 * receives SIGTERM while requests are in flight.
 */
describe('SIGTERM', () => {
  const buildDir = resolve('.data', `shutdown-build-${process.pid}`);
  let database: TestDatabase;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [
      resolve('node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      buildDir,
    ]);
    database = await createTestDatabase();
  }, 120_000);

  afterAll(async () => {
    server?.kill('SIGKILL');
    await database?.drop();
    await rm(buildDir, { recursive: true, force: true });
  });

  it('stops accepting, finishes the requests in flight with their writes, closes idle connections, and exits 0', async () => {
    server = spawn(process.execPath, [resolve(buildDir, 'src/main.js')], {
      env: {
        ...process.env,
        ...PRODUCTION_MAIL_ENV,
        NODE_ENV: 'production',
        PORT: '0',
        DATABASE_URL: database.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await readyUrl(server);
    const exited = exitCode(server);
    const idle = await idleKeepAliveConnection(url);
    const idleClosed = new Promise<void>((closed) => idle.once('close', () => closed()));

    // Sign-ups that reach the INSERT and wait there, so that they are surely in flight at SIGTERM.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
    const emails = Array.from({ length: 5 }, () => uniqueEmail());
    const inFlight = emails.map((email) =>
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: SIGN_UP,
          variables: { input: { email, password: 'long enough password' } },
        }),
      }).then(async (response) => ({ status: response.status, body: await response.json() })),
    );
    // Watched from another connection: pg_stat_activity is a snapshot within a transaction.
    const observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
    for (;;) {
      const [{ waiting }] = (
        await observer.query<{ waiting: string }>(
          "SELECT count(*) AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO users %'",
        )
      ).rows;
      if (Number(waiting) === emails.length) break;
      await sleep(20);
    }
    await observer.end();

    server.kill('SIGTERM');

    // New connections are refused while the old requests are still waiting on the lock.
    for (;;) {
      const refused = await fetch(`${url}/health/live`).then(
        () => false,
        () => true,
      );
      if (refused) break;
      await sleep(20);
    }
    await idleClosed;
    expect(server.exitCode).toBeNull();
    await locker.query('COMMIT');
    await locker.end();

    const answers = await Promise.all(inFlight);
    expect(answers).toEqual(
      emails.map((email) => ({
        status: 200,
        body: { data: { signUp: { token: expect.any(String), user: { email } } } },
      })),
    );
    expect(await exited).toBe(0);

    const check = new pg.Client({ connectionString: database.url });
    await check.connect();
    const { rows } = await check
      .query<{ email: string }>('SELECT email FROM users WHERE email = ANY($1)', [emails])
      .finally(() => check.end());
    expect(rows.map((row) => row.email).sort()).toEqual([...emails].sort());
    server = undefined;
  });
});
