import { expect, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';

import { MIGRATIONS } from '../../../migrations/index.js';
import { APP_ENTITIES } from '../../../src/app.entities.js';
import { dataSourceOptions } from '../../../src/database/data-source-options.js';
import { runPendingMigrations } from '../../../src/database/run-migrations.js';
import { SqlRunner } from '../../../src/database/sql-runner.js';
import { sql } from '../../../src/database/sql-statement.js';
import { UnitOfWork } from '../../../src/database/transaction.js';
import { createUser, signIn, type TestUser } from '../../support/factories.js';
import {
  PGBOUNCER_BINARY,
  pgbouncerInstalled,
  type RunningPgBouncer,
  startPgBouncer,
} from '../../support/pgbouncer.js';
import { TestApp } from '../../support/test-app.js';
import { createTestDatabase, databaseUrl, type TestDatabase } from '../../support/test-database.js';

/**
 * The service behind a real PgBouncer in transaction mode (DATABASE_POOLER=
 * transaction), always, whatever TEST_DATABASE_POOLER says: what the issue
 * saw break under load (named prepared statements colliding across server
 * connections, the statement timeout lost, the migration lock) must hold here.
 */
const ME = '{ me { id activeSessionCount } }';
const CLIENTS = 20;
const REQUESTS_PER_CLIENT = 40;
const STATEMENT_TIMEOUT_MS = 300;

const runs = pgbouncerInstalled() || Boolean(process.env.CI);
if (!runs)
  console.warn(`pgbouncer e2e: skipped, ${PGBOUNCER_BINARY} not found (apt-get install -y pgbouncer)`);

(runs ? describe : describe.skip)('behind PgBouncer in transaction mode', () => {
  let pgbouncer: RunningPgBouncer;
  let database: TestDatabase;
  let app: TestApp;
  const adminUrl = (): string => process.env.TEST_ADMIN_DATABASE_URL!;
  const direct = (db: TestDatabase): string => db.directUrl ?? db.url;

  beforeAll(async () => {
    pgbouncer = await startPgBouncer(adminUrl());
    const clone = await createTestDatabase();
    database = { url: pgbouncer.url(direct(clone)), directUrl: direct(clone), drop: () => clone.drop() };
    app = await TestApp.create(
      { DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) },
      { database: { ...database, drop: () => Promise.resolve() } },
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await pgbouncer?.stop();
  });

  it(`answers ${CLIENTS} concurrent clients of \`${ME}\` without a single error`, async () => {
    const users: Array<TestUser & { sessions: number }> = [];
    for (let i = 0; i < 5; i++) {
      const user = await createUser(app);
      for (let extra = 0; extra < i; extra++) await signIn(app, user);
      users.push({ ...user, sessions: i + 1 });
    }
    const failures: string[] = [];
    let answered = 0;
    const started = performance.now();

    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const user = users[client % users.length];
        for (let request = 0; request < REQUESTS_PER_CLIENT; request++) {
          const response = await app.gql<{ me: { id: string; activeSessionCount: number } }>(
            ME,
            {},
            { token: user.token },
          );
          const expected = { id: user.id, activeSessionCount: user.sessions };
          if (response.errors || JSON.stringify(response.data?.me) !== JSON.stringify(expected)) {
            failures.push(JSON.stringify(response.errors ?? response.data));
          } else {
            answered++;
          }
        }
      }),
    );

    expect(failures.slice(0, 3)).toEqual([]);
    expect(answered).toBe(CLIENTS * REQUESTS_PER_CLIENT);
    expect(performance.now() - started).toBeLessThan(45_000);
  }, 60_000);

  it('cancels a statement past the timeout through the pooler (SERVICE_UNAVAILABLE), then serves again', async () => {
    const alice = await createUser(app);
    // Another client holds the users table, as a stuck transaction would.
    const locker = new pg.Client({ connectionString: database.directUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const started = performance.now();

      const stuck = await app.gql(
        'mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }',
        { input: { email: alice.email, password: alice.password } },
      );

      expect(stuck.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      // Cancelled by the server's statement_timeout, not the client's later query_timeout.
      expect(performance.now() - started).toBeLessThan(3_000);
      await locker.query('ROLLBACK');
    } finally {
      await locker.end();
    }
    expect((await app.gql(ME, {}, { token: alice.token })).errors).toBeUndefined();
  });

  it('bounds every UnitOfWork transaction with SET LOCAL, even without a server-side setting', async () => {
    // A database of its own with no statement_timeout on it: the pooler's server
    // connections to the other one were opened with theirs.
    const clone = await createTestDatabase();
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const second = await TestApp.create(
      { DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS), DATABASE_POOLER: 'transaction' },
      { database: { url: pgbouncer.url(direct(clone)), drop: () => clone.drop() } },
    );
    try {
      expect(warnings).toHaveBeenCalledWith(
        expect.stringContaining(`ALTER ROLE "postgres" SET statement_timeout = '${STATEMENT_TIMEOUT_MS}ms'`),
      );
      const sleep = sql('test_sleep', 'SELECT pg_sleep(2)');
      const started = performance.now();
      const outcome = await second
        .get(UnitOfWork)
        .run((transaction) => second.get(SqlRunner).run(sleep, [], transaction))
        .then(
          () => 'finished',
          (error: { driverError?: { code?: string } }) => error.driverError?.code,
        );
      expect(outcome).toBe('57014'); // query_canceled
      expect(performance.now() - started).toBeLessThan(1_500);
    } finally {
      warnings.mockRestore();
      await second.close();
    }
  });

  it('refuses, without DATABASE_POOLER=transaction, the connections a direct-mode pool opens', async () => {
    // What DATABASE_POOLER=none hands node-postgres: statement_timeout as a start-up parameter.
    const { extra } = dataSourceOptions(database.url, APP_ENTITIES, {
      databaseConnectTimeoutMs: 5_000,
      databaseStatementTimeoutMs: STATEMENT_TIMEOUT_MS,
    }) as { extra: pg.ClientConfig };
    const client = new pg.Client({ ...extra, connectionString: database.url });

    await expect(client.connect()).rejects.toThrow('unsupported startup parameter: statement_timeout');
    await client.end().catch(() => undefined);
  });

  it.each([
    ['in one transaction under a transaction-level lock', false],
    ['over DATABASE_MIGRATION_URL (direct) under the session-level lock', true],
  ])('migrates an empty database once when two instances start at once through it: %s', async (_, direct) => {
    const name = `pgbouncer_migrate_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    const pooledUrl = pgbouncer.url(databaseUrl(adminUrl(), name));
    const instances = await Promise.all(
      [1, 2].map(() => new DataSource(dataSourceOptions(pooledUrl, APP_ENTITIES)).initialize()),
    );
    try {
      const settings = {
        databasePooler: 'transaction',
        databaseMigrationUrl: direct ? databaseUrl(adminUrl(), name) : undefined,
        databaseStatementTimeoutMs: 10_000,
      } as const;
      const applied = await Promise.all(
        instances.map((instance) => runPendingMigrations(instance, settings)),
      );

      expect(applied.map((names) => names.length).sort()).toEqual([0, MIGRATIONS.length]);
      const [{ count }] = await instances[0].query<Array<{ count: string }>>(
        'SELECT count(*) AS count FROM typeorm_migrations',
      );
      expect(Number(count)).toBe(MIGRATIONS.length);
      // Nothing is left held, least of all on a server connection back in PgBouncer's pool.
      const locks = await admin.query(
        `SELECT 1 FROM pg_locks
          WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = $1)`,
        [name],
      );
      expect(locks.rowCount).toBe(0);
    } finally {
      await Promise.all(instances.map((instance) => instance.destroy()));
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    }
  });
});
