import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { expect, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';

import { APP_ENTITIES } from '../../../src/app.entities.js';
import { dataSourceOptions } from '../../../src/database/data-source-options.js';
import { type RunningPostgres, startEmbeddedPostgres } from '../../../src/database/embedded-postgres.js';
import { runPendingMigrations } from '../../../src/database/run-migrations.js';
import { createUser, uniqueEmail, whoAmI } from '../../support/factories.js';
import { type RunningPgBouncer, startPgBouncer, testPoolerRequested } from '../../support/pgbouncer.js';
import { type GraphqlResponse, TestApp, useTestApp } from '../../support/test-app.js';

const SIGN_IN = 'mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }';
const SIGN_UP = 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }';

const codeOf = (response: GraphqlResponse): unknown => response.errors?.[0]?.extensions?.code;

async function health(app: TestApp, probe: 'live' | 'ready'): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${app.url}/health/${probe}`);
  return { status: response.status, body: await response.json() };
}

/**
 * A PostgreSQL of this file's own, kept on disk (not ephemeral) so that it can
 * be stopped and started again on the same port while the app keeps running.
 */
const CONNECT_TIMEOUT_MS = 1_000;
/**
 * "Fast" means the app gives up within its connect timeout, not the client's
 * patience: the bound is that timeout plus a generous margin for the request's
 * own work on a busy machine. Not a speed measurement: a pool that queued the
 * request until the database came back would blow through it by far.
 */
const FAIL_FAST_BOUND_MS = CONNECT_TIMEOUT_MS + 4_000;

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const started = performance.now();
  const result = await action();
  return { result, elapsedMs: performance.now() - started };
}

async function untilServing(app: TestApp, token: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while ((await app.gql('{ me { id } }', {}, { token })).errors) {
    if (Date.now() > deadline) throw new Error(`not serving again within ${withinMs} ms`);
    await sleep(100);
  }
}

describe('while PostgreSQL is down', () => {
  const dataDir = resolve('.data', `outage-test-${process.pid}`);
  let postgres: RunningPostgres | undefined;
  // Under TEST_DATABASE_POOLER=pgbouncer, one in front of this file's PostgreSQL,
  // which stays up while PostgreSQL goes away behind it.
  let pgbouncer: RunningPgBouncer | undefined;
  let port: number;
  let app: TestApp;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres({ dataDir, databaseName: 'outage' });
    port = Number(new URL(postgres.url).port);
    const dataSource = await new DataSource(dataSourceOptions(postgres.url, APP_ENTITIES)).initialize();
    await runPendingMigrations(dataSource).finally(() => dataSource.destroy());
    // PgBouncer keeps a query waiting for a server connection up to query_wait_timeout
    // (seconds): the pooler's side of the app's connect timeout, so set to match it.
    if (testPoolerRequested()) {
      pgbouncer = await startPgBouncer(postgres.url, { query_wait_timeout: CONNECT_TIMEOUT_MS / 1_000 });
    }
    const database = pgbouncer
      ? { url: pgbouncer.url(postgres.url), directUrl: postgres.url }
      : { url: postgres.url };
    app = await TestApp.create(
      { DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) },
      { database: { ...database, drop: () => Promise.resolve() } },
    );
  });

  afterAll(async () => {
    await app?.close();
    await pgbouncer?.stop();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fails fast with SERVICE_UNAVAILABLE, stays up, and serves again by itself once the database is back', async () => {
    const alice = await createUser(app);
    expect(await health(app, 'ready')).toEqual({
      status: 200,
      body: expect.objectContaining({
        status: 'ok',
        info: { database: expect.objectContaining({ status: 'up' }) },
      }),
    });

    await postgres!.stop();
    postgres = undefined;
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

    const attempts = [
      await timed(() => app.gql(SIGN_IN, { input: { email: alice.email, password: alice.password } })),
      await timed(() =>
        app.gql(SIGN_UP, { input: { email: uniqueEmail(), password: 'long enough password' } }),
      ),
      await timed(() => app.gql('{ me { id activeSessionCount } }', {}, { token: alice.token })),
    ];
    for (const { elapsedMs } of attempts) expect(elapsedMs).toBeLessThan(FAIL_FAST_BOUND_MS);
    const [signIn, signUp, me] = attempts.map(({ result }) => result);
    expect([signIn.data, signUp.data, me.data]).toEqual([null, null, { me: null }]);
    for (const response of [signIn, signUp, me]) {
      expect(response.errors).toHaveLength(1);
      expect(response.errors?.[0]?.extensions).toEqual({
        code: 'SERVICE_UNAVAILABLE',
        requestId: expect.any(String),
      });
      expect(response.errors?.[0]?.message).not.toMatch(/ECONNREFUSED|5432|localhost|127\.0\.0\.1/);
    }
    const ready = await health(app, 'ready');
    expect(JSON.stringify(ready.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|localhost|\d{4,5}/);
    expect(ready).toEqual({
      status: 503,
      body: expect.objectContaining({
        status: 'error',
        error: { database: expect.objectContaining({ status: 'down' }) },
      }),
    });
    expect(await health(app, 'live')).toEqual({
      status: 200,
      body: expect.objectContaining({ status: 'ok' }),
    });
    // What the client is not told goes to the log, with the request id. Behind PgBouncer
    // the cause is PgBouncer's (08P01: query_wait_timeout, "server login has been failing").
    const cause = pgbouncer ? '08P01' : 'ECONNREFUSED';
    expect(warnings).toHaveBeenCalledWith(
      expect.stringMatching(new RegExp(`^Database unavailable: ${cause} .*\\(request [0-9a-f-]{36}\\)$`)),
    );
    warnings.mockRestore();

    postgres = await startEmbeddedPostgres({ dataDir, databaseName: 'outage', port });
    // PgBouncer tries the server again only server_login_retry (1 s here) after its last
    // failed login: behind it, service resumes within that, still with no restart.
    if (pgbouncer) await untilServing(app, alice.token, 5_000);

    expect(await whoAmI(app, alice.token)).toEqual({ id: alice.id, activeSessionCount: 1 });
    const again = await app.gql(SIGN_IN, { input: { email: alice.email, password: alice.password } });
    expect(again.errors).toBeUndefined();
    expect(await whoAmI(app, alice.token)).toEqual({ id: alice.id, activeSessionCount: 2 });
    expect((await health(app, 'ready')).status).toBe(200);
  });
});

describe('when a statement cannot finish in time', () => {
  const app = useTestApp({ DATABASE_STATEMENT_TIMEOUT_MS: '300' });

  it('cancels it (statement_timeout), answers SERVICE_UNAVAILABLE, and carries on once the table is free', async () => {
    const alice = await createUser(app);
    // Another client holds the users table, as a long migration or a stuck transaction would.
    const { url } = app.database;
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');

      const stuck = await app.gql(SIGN_IN, { input: { email: alice.email, password: alice.password } });

      expect(codeOf(stuck)).toBe('SERVICE_UNAVAILABLE');
      await locker.query('ROLLBACK');
    } finally {
      await locker.end();
    }
    const freed = await app.gql(SIGN_IN, { input: { email: alice.email, password: alice.password } });
    expect(freed.errors).toBeUndefined();
  });
});
