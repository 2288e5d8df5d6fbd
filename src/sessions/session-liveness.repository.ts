import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import { active } from './session-sql.js';

/** Where a session stands now, as an open live connection needs to know it. */
export interface SessionLiveness {
  readonly id: string;
  /** Idle expiry as stored now: requests on other channels (HTTP) may have renewed it. */
  readonly expiresAt: Date;
  /** Past its expiry, by the database's clock (the row lingers until the cleanup job). */
  readonly expired: boolean;
}

// No `active()` filter: an expired row still here says *why* the session is
// gone (EXPIRED), where a missing row says it was ended by a statement. The
// user ids keep the read to sessions of the connections' own users.
const LIVENESS = sql<SessionLiveness>(
  'sessions_liveness',
  `SELECT s.id, s.expires_at AS "expiresAt", NOT (${active('s')}) AS expired
     FROM sessions s
    WHERE s.id = ANY($1) AND s.user_id = ANY($2)`,
);

/** Where an account's sessions stand, for the device lists of its open sockets. */
export interface AccountExpiries {
  readonly userId: string;
  /** The earliest expiry among the account's active sessions; null when none is active. */
  readonly nextExpiry: Date | null;
  /** Sessions that expired at or after the time asked about (their rows linger until the cleanup job). */
  readonly expiredIds: string[];
}

// Both halves walk (user_id, expires_at) from `since` on: sessions that expired
// before it were announced already, or predate the first socket.
const ACCOUNT_EXPIRIES = sql<AccountExpiries>(
  'sessions_account_expiries',
  `SELECT u.user_id AS "userId",
          min(s.expires_at) FILTER (WHERE ${active('s')}) AS "nextExpiry",
          coalesce(array_agg(s.id) FILTER (WHERE NOT (${active('s')})), '{}') AS "expiredIds"
     FROM unnest($1::uuid[], $2::timestamptz[]) AS u(user_id, since)
     JOIN sessions s ON s.user_id = u.user_id AND s.expires_at >= coalesce(u.since, now())
    GROUP BY u.user_id`,
);

/** The one read of live connections' sessions: on each expiry timer and after the listener reconnects. */
@Injectable()
export class SessionLivenessRepository {
  constructor(private readonly sql: SqlRunner) {}

  /** The rows of these sessions that still exist, expired or not; a missing id was ended by a statement. */
  find(sessionIds: readonly string[], userIds: readonly string[]): Promise<SessionLiveness[]> {
    return this.sql.rows(LIVENESS, [sessionIds, userIds]);
  }

  /**
   * For each account, its next expiry and the sessions expired since `since`
   * (null: since now, i.e. none). An account with no session expiring at or
   * after `since` has no row.
   */
  accountExpiries(
    accounts: ReadonlyArray<{ userId: string; since: Date | null }>,
  ): Promise<AccountExpiries[]> {
    return this.sql.rows(ACCOUNT_EXPIRIES, [accounts.map((a) => a.userId), accounts.map((a) => a.since)]);
  }
}
