import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';

/** The same server as `url`, another database. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through jest (npm test).`);
  return value;
}

export interface TestDatabase {
  /** What the app connects to: the database, or a transaction pooler in front of it. */
  readonly url: string;
  /** Set when `url` is a transaction pooler (the app gets DATABASE_POOLER=transaction): the database itself. */
  readonly directUrl?: string;
  drop(): Promise<void>;
}

/** `url` through the run's PgBouncer, when TEST_DATABASE_POOLER=pgbouncer started one. */
function throughRunPooler(url: string): Pick<TestDatabase, 'url' | 'directUrl'> {
  const port = process.env.TEST_PGBOUNCER_PORT;
  if (!port) return { url };
  const pooled = new URL(url);
  pooled.hostname = '127.0.0.1';
  pooled.port = port;
  return { url: pooled.toString(), directUrl: url };
}

/**
 * A fresh, migrated database for one test file: a copy of the template that
 * global-setup migrated, so files run in parallel and in any order. Reached
 * through the run's PgBouncer under TEST_DATABASE_POOLER=pgbouncer.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = requireEnv('TEST_ADMIN_DATABASE_URL');
  const template = requireEnv('TEST_TEMPLATE_DATABASE');
  const name = `sessions_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Two files cloning the template in the same instant can collide
    // ("source database is being accessed by other users"): try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(
          `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`,
        );
        break;
      } catch (error) {
        if (attempt >= 10) throw error;
        await sleep(100 * attempt);
      }
    }
  } finally {
    await admin.end();
  }
  return {
    ...throughRunPooler(databaseUrl(adminUrl, name)),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client
        .query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
        .finally(() => client.end());
    },
  };
}
