import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';

import pg from 'pg';

import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

export interface BenchDatabase {
  /** What the server gets as DATABASE_URL. */
  readonly url: string;
  /** The benchmark's own connections, for seeding and EXPLAIN. */
  readonly pool: pg.Pool;
  readonly description: string;
  /** Its processes run on this machine, so their CPU time can be read. */
  readonly local: boolean;
  /** Another database on the same server (dropped by stop()), e.g. to hold a different table size. */
  createSibling(label: string): Promise<{ url: string; pool: pg.Pool }>;
  stop(): Promise<void>;
}

/**
 * A database of its own: on DATABASE_URL's server when it is set (the role
 * needs CREATEDB), otherwise on an embedded PostgreSQL deleted afterwards.
 */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const external = process.env.DATABASE_URL;
  const dataDir = resolve('.data', `bench-${process.pid}`);
  const embedded = external
    ? undefined
    : await startEmbeddedPostgres({
        dataDir,
        databaseName: 'bench',
        ephemeral: true,
      });
  let url = embedded?.url ?? '';
  let dropDatabase = (): Promise<void> => Promise.resolve();
  if (external) {
    const name = `sessions_bench_${randomBytes(4).toString('hex')}`;
    await adminQuery(external, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    const parsed = new URL(external);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    dropDatabase = () =>
      adminQuery(external, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  }
  // Named, so that CPU accounting can tell the server's backends from the benchmark's.
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'bench' });
  const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
  const siblings: Array<{ name: string; pool: pg.Pool }> = [];
  return {
    url,
    pool,
    local: embedded !== undefined,
    description: `PostgreSQL ${rows[0].server_version}${embedded ? ' (embedded-postgres, default settings)' : ' (DATABASE_URL)'}`,
    createSibling: async (label) => {
      const sibling = new URL(url);
      const name = `${sibling.pathname.slice(1)}_${label}`;
      await adminQuery(url, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      sibling.pathname = `/${name}`;
      const siblingPool = new pg.Pool({
        connectionString: sibling.toString(),
        max: 4,
        application_name: 'bench',
      });
      siblings.push({ name, pool: siblingPool });
      return { url: sibling.toString(), pool: siblingPool };
    },
    stop: async () => {
      for (const sibling of siblings) {
        await sibling.pool.end();
        await adminQuery(url, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(sibling.name)} WITH (FORCE)`);
      }
      await pool.end();
      await dropDatabase();
      if (embedded) {
        await embedded.stop();
        // The ephemeral cluster is gone; its parent directory is ours to remove.
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A signed-in device the benchmark holds the token of. */
export interface SeededSession {
  readonly userId: string;
  readonly email: string;
  readonly sessionId: string;
  readonly token: string;
}

// What a signed-in row carries from a city database (the bench server reads the default country
// one; seeded rows are written by SQL, so they bring their own): `me { sessions { location } }`
// reads a value of this size.
const SEEDED_LOCATION = `'{"city":"London","region":"England","country":"United Kingdom","countryCode":"GB"}'::jsonb`;
const USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * Seeding goes straight to SQL (generate_series): signing a million sessions
 * in over HTTP would measure Argon2, not the table. The rows look like the
 * app's own: same columns, a realistic user agent, SHA-256 secret hashes.
 */
export class Seeder {
  constructor(
    private readonly pool: pg.Pool,
    /** One Argon2id hash (the app's parameters) of `password`, shared by every seeded user. */
    private readonly passwordHash: string,
  ) {}

  /** Users with one session each whose token we know; `others` more sessions each, all active. */
  async usersWithTokens(prefix: string, count: number, others: number): Promise<SeededSession[]> {
    const { rows: users } = await this.pool.query<{ id: string; email: string }>(
      `INSERT INTO users (email, password_hash)
       SELECT $1 || g || '@bench.example', $2 FROM generate_series(1, $3::int) g
       RETURNING id, email`,
      [prefix, this.passwordHash, count],
    );
    const seeded = await this.sessionsWithTokens(
      users.map((user) => ({ userId: user.id, email: user.email })),
    );
    if (others > 0)
      await this.otherSessions(
        seeded.map((s) => s.userId),
        others,
        0,
      );
    return seeded;
  }

  /** One more active session, whose token we know, for each of these users (a user listed twice gets two). */
  async sessionsWithTokens(
    users: ReadonlyArray<Pick<SeededSession, 'userId' | 'email'>>,
  ): Promise<SeededSession[]> {
    const seeded = users.map((user) => {
      const secret = randomBytes(32).toString('base64url');
      const sessionId = randomUUID();
      return {
        userId: user.userId,
        email: user.email,
        sessionId,
        token: `${sessionId}.${secret}`,
        hash: createHash('sha256').update(secret, 'utf8').digest(),
      };
    });
    await this.pool.query(
      `INSERT INTO sessions (id, user_id, secret_hash, expires_at, absolute_expires_at, ip_address, user_agent, location)
       SELECT id, user_id, secret_hash, now() + interval '30 days', now() + interval '90 days', '203.0.113.7', $4, ${SEEDED_LOCATION}
         FROM unnest($1::uuid[], $2::uuid[], $3::bytea[]) AS s(id, user_id, secret_hash)`,
      [seeded.map((s) => s.sessionId), seeded.map((s) => s.userId), seeded.map((s) => s.hash), USER_AGENT],
    );
    return seeded.map(({ userId, email, sessionId, token }) => ({ userId, email, sessionId, token }));
  }

  /**
   * `count` users with `perUser` sessions each, `expiredShare` of them already
   * expired (rows that cleanup has not reached yet): the other users' rows
   * that every query must step around.
   */
  async crowd(prefix: string, count: number, perUser: number, expiredShare: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO users (email, password_hash)
       SELECT $1 || g || '@bench.example', $2 FROM generate_series(1, $3::int) g`,
      [prefix, this.passwordHash, count],
    );
    await this.pool.query(
      `INSERT INTO sessions (user_id, secret_hash, created_at, last_active_at, expires_at, absolute_expires_at, ip_address, user_agent, location)
       SELECT u.id, sha256(convert_to(u.id::text || g::text, 'UTF8')), now() - interval '10 days', now() - interval '1 day',
              CASE WHEN random() < $3 THEN now() - interval '1 hour' ELSE now() + interval '20 days' END,
              now() + interval '80 days', '198.51.100.23', $4, ${SEEDED_LOCATION}
         FROM users u CROSS JOIN generate_series(1, $2::int) g
        WHERE u.email LIKE $1 || '%'`,
      [prefix, perUser, expiredShare, USER_AGENT],
    );
  }

  /** `perUser` more active sessions for each of these users. */
  async otherSessions(userIds: string[], perUser: number, expiredShare: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO sessions (user_id, secret_hash, expires_at, absolute_expires_at, ip_address, user_agent, location)
       SELECT u.id, sha256(convert_to(u.id::text || g::text, 'UTF8')),
              CASE WHEN random() < $3 THEN now() - interval '1 hour' ELSE now() + interval '20 days' END,
              now() + interval '90 days', '198.51.100.24', $4, ${SEEDED_LOCATION}
         FROM unnest($1::uuid[]) AS u(id) CROSS JOIN generate_series(1, $2::int) g`,
      [userIds, perUser, expiredShare, USER_AGENT],
    );
  }

  async sessionRows(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>('SELECT count(*) FROM sessions');
    return Number(rows[0].count);
  }

  /**
   * What autovacuum does for a table in steady state: fresh statistics for the
   * planner and a visibility map, without which an index-only scan still visits the heap.
   */
  async settle(): Promise<void> {
    await this.pool.query('VACUUM (ANALYZE) sessions');
    await this.pool.query('VACUUM (ANALYZE) users');
  }
}
