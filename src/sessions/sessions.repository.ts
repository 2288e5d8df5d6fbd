import { Injectable } from '@nestjs/common';

import { CoalescingLookup } from '../database/coalescing-lookup.js';
import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';
import type { ApproximateLocation } from '../geoip/approximate-location.js';
import type { AuthenticationFactor } from './authentication-factor.js';
import type { AuthenticatedSession, StoredSession } from './session.types.js';
import { active, STORED_COLUMNS } from './session-sql.js';
import type { SignInMethod } from './sign-in-method.js';

/** A session row with its user's columns, as the authentication statement returns it. */
interface AuthenticationRow extends AuthenticatedSession {
  readonly secretHash: Buffer;
  readonly userEmail: string;
  readonly userCreatedAt: Date;
}

interface NewSession {
  readonly userId: string;
  readonly secretHash: Buffer;
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  readonly location: ApproximateLocation | null;
  /** Idle lifetime of the new session (already capped at `maxLifetimeSeconds`). */
  readonly lifetimeSeconds: number;
  readonly maxLifetimeSeconds: number;
  readonly signInMethod: SignInMethod;
  readonly identityProvider: string | null;
  readonly authenticationFactors: readonly AuthenticationFactor[];
}

/** What a touch wrote, and the address it replaced. */
export interface TouchedSession {
  readonly lastActiveAt: Date;
  readonly expiresAt: Date;
  readonly previousIpAddress: string | null;
}

interface ActivityWrite {
  readonly sessionId: string;
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  readonly ttlSeconds: number;
  readonly touchIntervalSeconds: number;
}

// The database's clock sets every time, as it judges them in active(); one
// statement's now() is one instant, so created_at + max lifetime is exactly
// absolute_expires_at.
const INSERT = sql<StoredSession>(
  'sessions_insert',
  `INSERT INTO sessions AS s (user_id, secret_hash, ip_address, user_agent, expires_at, absolute_expires_at,
                              sign_in_method, identity_provider, authentication_factors, location)
   VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), now() + make_interval(secs => $6), $7, $8, $9, $10)
   RETURNING ${STORED_COLUMNS}`,
);

// Every authenticated request runs this (coalesced with its neighbours): the
// session and its user in one statement, served by the two primary keys.
const AUTHENTICATE = sql<AuthenticationRow>(
  'sessions_authenticate',
  `SELECT s.id, s.user_id AS "userId", s.secret_hash AS "secretHash", s.last_active_at AS "lastActiveAt",
          s.expires_at AS "expiresAt", s.absolute_expires_at AS "absoluteExpiresAt",
          u.email AS "userEmail", u.created_at AS "userCreatedAt"
     FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id = ANY($1) AND ${active('s')}`,
);

// $1 session id, $2 IP, $3 user agent, $4 idle lifetime, $5 half of it, $6 touch interval (seconds).
const RENEWAL_DUE =
  's.expires_at < s.absolute_expires_at AND s.expires_at < now() + make_interval(secs => $5)';
// An UPDATE, never an upsert: a session ended meanwhile stays ended. The
// database re-checks what the app decided from the row it loaded: another
// request may have touched the row meanwhile, and the app's clock is not the one that counts.
// `before` is the row as it was, so the caller learns whether the address
// changed, and looks its location up only then (relocate).
const TOUCH = sql<TouchedSession>(
  'sessions_touch',
  `UPDATE sessions s
      SET last_active_at = now(), ip_address = $2, user_agent = $3,
          expires_at = CASE WHEN ${RENEWAL_DUE}
                            THEN least(now() + make_interval(secs => $4), s.absolute_expires_at)
                            ELSE s.expires_at END
     FROM sessions before
    WHERE s.id = $1 AND before.id = s.id AND ${active('s')}
      AND (s.last_active_at <= now() - make_interval(secs => $6) OR (${RENEWAL_DUE}))
   RETURNING s.last_active_at AS "lastActiveAt", s.expires_at AS "expiresAt",
             before.ip_address AS "previousIpAddress"`,
);

// Only while the address is still the one located: a later touch from
// another address has its own lookup, which this must not overwrite.
const RELOCATE = sql(
  'sessions_relocate',
  `UPDATE sessions s SET location = $3
    WHERE s.id = $1 AND s.ip_address IS NOT DISTINCT FROM $2 AND ${active('s')}`,
);

// int4, which pg hands back as a number (a bigint would come back as a string).
const COUNT_ACTIVE_BY_USER = sql<{ userId: string; count: number }>(
  'sessions_count_active_by_user',
  `SELECT s.user_id AS "userId", count(*)::int AS count
     FROM sessions s
    WHERE s.user_id = ANY($1) AND ${active('s')}
    GROUP BY s.user_id`,
);

// The id breaks ties, so the order is stable between two reads.
const LIST_ACTIVE = sql<StoredSession>(
  'sessions_list_active',
  `SELECT ${STORED_COLUMNS}
     FROM sessions s
    WHERE s.user_id = ANY($1) AND ${active('s')}
    ORDER BY s.last_active_at DESC, s.id ASC`,
);

// The newest `$3` active sessions of the user stay, the one just issued ($2)
// always among them; the rest (least recently active first) end, named so
// that their open connections can be told.
const END_ALL_BUT_MOST_RECENT = sql<{ id: string }>(
  'sessions_end_all_but_most_recent',
  `DELETE FROM sessions
    WHERE id = ANY(ARRAY(
      SELECT s.id FROM sessions s
       WHERE s.user_id = $1 AND s.id <> $2 AND ${active('s')}
       ORDER BY s.last_active_at DESC, s.id ASC
      OFFSET $3 - 1))
   RETURNING id`,
);

// The user id in each WHERE clause is what keeps a delete from ever touching
// another user's sessions.
const END_ONE = sql(
  'sessions_end_one',
  `DELETE FROM sessions s WHERE s.user_id = $1 AND s.id = $2 AND ${active('s')}`,
);

const END_ALL_EXCEPT = sql(
  'sessions_end_all_except',
  `DELETE FROM sessions s WHERE s.user_id = $1 AND s.id <> $2 AND ${active('s')}`,
);

const END_ALL = sql('sessions_end_all', `DELETE FROM sessions s WHERE s.user_id = $1 AND ${active('s')}`);

// SKIP LOCKED hands concurrent cleaners (other instances) rows the others are
// not deleting; LIMIT keeps each statement's locks and duration small.
// `= ANY(ARRAY(…))` makes the batch's ids one array, found again by primary
// key; with `IN (…)` the planner may hash-join them against the whole table.
const DELETE_EXPIRED_BATCH = sql(
  'sessions_delete_expired_batch',
  `DELETE FROM sessions
    WHERE id = ANY(ARRAY(
      SELECT s.id FROM sessions s WHERE NOT (${active('s')}) LIMIT $1 FOR UPDATE SKIP LOCKED))`,
);

/** Every statement on `sessions`. Rules (lifetimes, when to write) are the service's. */
@Injectable()
export class SessionsRepository {
  /**
   * Lookups and counts of concurrent requests share one statement
   * (CoalescingLookup): under load a request costs less than one round trip.
   */
  private readonly authentications = new CoalescingLookup<string, AuthenticationRow>(
    (sessionIds) => this.sql.rows(AUTHENTICATE, [sessionIds]),
    (row) => row.id,
  );
  private readonly activeCounts = new CoalescingLookup<string, { userId: string; count: number }>(
    (userIds) => this.sql.rows(COUNT_ACTIVE_BY_USER, [userIds]),
    (row) => row.userId,
  );
  // Every alias of `sessions` in a response (and concurrent responses) shares one read.
  private readonly activeLists = CoalescingLookup.ofLists<string, StoredSession>(
    (userIds) => this.sql.rows(LIST_ACTIVE, [userIds]),
    (row) => row.userId,
  );

  constructor(private readonly sql: SqlRunner) {}

  async insert(session: NewSession, transaction: Transaction): Promise<StoredSession> {
    const { userId, secretHash, ipAddress, userAgent, lifetimeSeconds, maxLifetimeSeconds } = session;
    const [row] = await this.sql.rows(
      INSERT,
      [
        userId,
        secretHash,
        ipAddress,
        userAgent,
        lifetimeSeconds,
        maxLifetimeSeconds,
        session.signInMethod,
        session.identityProvider,
        session.authenticationFactors,
        session.location,
      ],
      transaction,
    );
    return row;
  }

  /** Ends the user's active sessions beyond the `keep` most recently active, never `newestId`; their ids. */
  async endAllButMostRecent(
    userId: string,
    newestId: string,
    keep: number,
    transaction: Transaction,
  ): Promise<string[]> {
    const rows = await this.sql.rows(END_ALL_BUT_MOST_RECENT, [userId, newestId, keep], transaction);
    return rows.map((row) => row.id);
  }

  /** The active session `sessionId` with its user's columns, or `undefined`. */
  findForAuthentication(sessionId: string): Promise<AuthenticationRow | undefined> {
    return this.authentications.find(sessionId);
  }

  /** Writes the activity when the database agrees it is due; `undefined` when it was not (or the session ended). */
  async touch(write: ActivityWrite): Promise<TouchedSession | undefined> {
    const { sessionId, ipAddress, userAgent, ttlSeconds, touchIntervalSeconds } = write;
    const [row] = await this.sql.rows(TOUCH, [
      sessionId,
      ipAddress,
      userAgent,
      ttlSeconds,
      ttlSeconds / 2,
      touchIntervalSeconds,
    ]);
    return row;
  }

  /** Records where the session's address `ipAddress` appears to be, if that is still its address. */
  async relocate(
    sessionId: string,
    ipAddress: string | null,
    location: ApproximateLocation | null,
  ): Promise<void> {
    await this.sql.run(RELOCATE, [sessionId, ipAddress, location]);
  }

  /** The user's number of active sessions (0 when none). */
  async countActive(userId: string): Promise<number> {
    return (await this.activeCounts.find(userId))?.count ?? 0;
  }

  /** The user's active sessions, most recently active first. */
  async listActive(userId: string): Promise<StoredSession[]> {
    return (await this.activeLists.find(userId)) ?? [];
  }

  /** Ends one active session of the user; whether there was one. */
  async endOne(userId: string, sessionId: string, transaction?: Transaction): Promise<boolean> {
    return (await this.sql.count(END_ONE, [userId, sessionId], transaction)) > 0;
  }

  /** Ends every active session of the user but `keepSessionId`, in one statement; how many. */
  endAllExcept(userId: string, keepSessionId: string, transaction?: Transaction): Promise<number> {
    return this.sql.count(END_ALL_EXCEPT, [userId, keepSessionId], transaction);
  }

  /** Ends every active session of the user; how many. */
  endAll(userId: string, transaction: Transaction): Promise<number> {
    return this.sql.count(END_ALL, [userId], transaction);
  }

  /** Deletes up to `batchSize` expired sessions of any user; how many. */
  deleteExpiredBatch(batchSize: number): Promise<number> {
    return this.sql.count(DELETE_EXPIRED_BATCH, [batchSize]);
  }
}
