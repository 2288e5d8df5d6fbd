import type { DataSource } from 'typeorm';

// Any constant shared by every instance of this service; names the lock in pg_locks.
const MIGRATION_LOCK_KEY = 727_274_001;

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so that several
 * instances starting at once against one database migrate it exactly once.
 */
export async function runPendingMigrations(dataSource: DataSource): Promise<string[]> {
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
