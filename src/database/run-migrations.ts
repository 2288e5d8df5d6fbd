import { DataSource } from 'typeorm';
import { MigrationExecutor } from 'typeorm/migration/MigrationExecutor.js';

import type { AppConfig } from '../config/app-config.js';
import { SET_LOCAL_STATEMENT_TIMEOUT } from './transaction.js';

// Any constant shared by every instance of this service; names the lock in pg_locks.
const MIGRATION_LOCK_KEY = 727_274_001;

type MigrationSettings = Pick<
  AppConfig,
  'databasePooler' | 'databaseMigrationUrl' | 'databaseStatementTimeoutMs'
>;

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so that several
 * instances starting at once against one database migrate it exactly once.
 *
 * - Over DATABASE_MIGRATION_URL when it is set (a direct connection, beside a
 *   pooled DATABASE_URL): a session-level lock, each migration in its own
 *   transaction.
 * - Behind a transaction pooler without it: a session lock cannot be kept (the
 *   unlock may go to another server connection), so every pending migration
 *   runs in ONE transaction that first takes a transaction-level lock, which
 *   ends with it.
 * - Otherwise (a direct DATABASE_URL): the session-level lock on `dataSource`.
 */
export async function runPendingMigrations(
  dataSource: DataSource,
  settings?: MigrationSettings,
): Promise<string[]> {
  if (settings?.databaseMigrationUrl) {
    const direct = await new DataSource({
      ...dataSource.options,
      url: settings.databaseMigrationUrl,
    } as typeof dataSource.options).initialize();
    try {
      return await underSessionLock(direct);
    } finally {
      await direct.destroy();
    }
  }
  if (settings?.databasePooler === 'transaction') {
    return inOneLockedTransaction(dataSource, `${settings.databaseStatementTimeoutMs}ms`);
  }
  return underSessionLock(dataSource);
}

async function underSessionLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

async function inOneLockedTransaction(dataSource: DataSource, statementTimeout: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    await runner.query(SET_LOCAL_STATEMENT_TIMEOUT, [statementTimeout]);
    // Taken before the executor reads which migrations are applied: an instance
    // that waited here then sees the other's committed work, and has none left.
    await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    // On a runner already in a transaction, "all" neither begins nor commits, and
    // refuses a migration that asks for a transaction mode of its own.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'all';
    const applied = await executor.executePendingMigrations();
    await runner.commitTransaction();
    return applied.map((migration) => migration.name);
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}
