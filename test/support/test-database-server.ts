import 'reflect-metadata';

import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';

import pg from 'pg';
import { DataSource } from 'typeorm';

import { APP_ENTITIES } from '../../src/app.entities.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { type RunningPostgres, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { runPendingMigrations } from '../../src/database/run-migrations.js';
import { type RunningPgBouncer, startPgBouncer } from './pgbouncer.js';
import { databaseUrl } from './test-database.js';

const testDataDir = (): string => resolve('.data', `test-${process.pid}`);

declare global {
  var __TEST_POSTGRES__: RunningPostgres | undefined;
  var __TEST_PGBOUNCER__: RunningPgBouncer | undefined;
}

/**
 * Starts one PostgreSQL for the whole run (or uses DATABASE_URL) and builds a
 * template database with the real migrations; each test file clones it.
 * With TEST_DATABASE_POOLER=pgbouncer, also a PgBouncer in transaction mode in
 * front of it, through which every test app then connects.
 */
export async function startTestDatabaseServer(): Promise<void> {
  const pooler = process.env.TEST_DATABASE_POOLER;
  if (pooler && pooler !== 'pgbouncer')
    throw new Error(`TEST_DATABASE_POOLER must be pgbouncer (got ${pooler})`);
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const postgres = await startEmbeddedPostgres({
      dataDir: testDataDir(),
      ephemeral: true,
    });
    globalThis.__TEST_POSTGRES__ = postgres;
    adminUrl = postgres.adminUrl;
  }
  const template = `sessions_test_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(template)}`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`);
  } finally {
    await admin.end();
  }

  const dataSource = await new DataSource(
    dataSourceOptions(databaseUrl(adminUrl, template), APP_ENTITIES),
  ).initialize();
  try {
    await runPendingMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }

  if (pooler) {
    globalThis.__TEST_PGBOUNCER__ = await startPgBouncer(adminUrl);
    process.env.TEST_PGBOUNCER_PORT = String(globalThis.__TEST_PGBOUNCER__.port);
  }
  // Test workers are started after this and inherit the environment.
  process.env.TEST_ADMIN_DATABASE_URL = adminUrl;
  process.env.TEST_TEMPLATE_DATABASE = template;
}

export async function stopTestDatabaseServer(): Promise<void> {
  await globalThis.__TEST_PGBOUNCER__?.stop();
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL;
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (adminUrl && template && !globalThis.__TEST_POSTGRES__) {
    // An external server (DATABASE_URL) keeps running: leave it as we found it.
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(template)}`).finally(() => admin.end());
  }
  await globalThis.__TEST_POSTGRES__?.stop();
  // The ephemeral cluster removes its own files; this removes the folder that held them.
  await rm(testDataDir(), { recursive: true, force: true });
}
