import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';
import type { StoredSession } from './session.types.js';
import { active, STORED_COLUMNS, withinCredentialChangeWindow, withinSudoWindow } from './session-sql.js';

/** What a gated end of sessions did: whether the acting session was in its window, and how many ended. */
export interface GatedEnd {
  readonly allowed: boolean;
  readonly ended: number;
}

// The acting session's window is checked in the statement that deletes: no
// moment between "it was fresh" and "the rows are gone" for its window to
// close or its row to end in. $1 user, $2 acting session, $3 sudo window (s).
const ACTOR_IN_WINDOW = `SELECT 1 FROM sessions a
  WHERE a.id = $2 AND a.user_id = $1 AND ${active('a')} AND ${withinSudoWindow('a', '$3')}`;

const END_ALL_EXCEPT_IF_IN_WINDOW = sql<GatedEnd>(
  'sessions_end_all_except_if_in_window',
  `WITH actor AS (${ACTOR_IN_WINDOW}),
        gone AS (DELETE FROM sessions s
                  WHERE s.user_id = $1 AND s.id <> $2 AND ${active('s')} AND EXISTS (SELECT 1 FROM actor)
                 RETURNING 1)
   SELECT EXISTS (SELECT 1 FROM actor) AS allowed, (SELECT count(*) FROM gone)::int AS ended`,
);

// $4: the other session to end; the user id keeps it to the user's own.
const END_ONE_IF_IN_WINDOW = sql<GatedEnd>(
  'sessions_end_one_if_in_window',
  `WITH actor AS (${ACTOR_IN_WINDOW}),
        gone AS (DELETE FROM sessions s
                  WHERE s.user_id = $1 AND s.id = $4 AND ${active('s')} AND EXISTS (SELECT 1 FROM actor)
                 RETURNING 1)
   SELECT EXISTS (SELECT 1 FROM actor) AS allowed, (SELECT count(*) FROM gone)::int AS ended`,
);

/** How fresh a session's proofs of identity are, by the database's clock. */
export interface Freshness {
  /** Within its sudo window (SUDO_MODE_SECONDS since sign-in or a later proof). */
  readonly sudo: boolean;
  /** A proof given after sign-in, within CREDENTIAL_CHANGE_MAX_AGE_SECONDS. */
  readonly credentialChange: boolean;
}

// $3 the sudo window, $4 the credential-change age (s). No row: the session has ended.
const FRESHNESS = sql<Freshness>(
  'sessions_freshness',
  `SELECT ${withinSudoWindow('a', '$3')} AS sudo,
          coalesce(${withinCredentialChangeWindow('a', '$4')}, false) AS "credentialChange"
     FROM sessions a WHERE a.id = $2 AND a.user_id = $1 AND ${active('a')}`,
);

// A proof given now: it opens the sudo window and counts for adding a way to sign in.
const MARK_AUTHENTICATED = sql<StoredSession>(
  'sessions_mark_authenticated',
  `UPDATE sessions s SET authenticated_at = now(), reauthenticated_at = now()
    WHERE s.id = $2 AND s.user_id = $1 AND ${active('s')}
   RETURNING ${STORED_COLUMNS}`,
);

// A password change made elsewhere closes the windows of the sessions that
// survive it: their proof was of a password that is no longer the account's.
// Moved back only to the window's edge, so authenticatedAt stays a time near
// the truth. Their proof for adding a way in (reauthenticated_at) goes too. $3: the sudo window (s).
const CLOSE_WINDOWS_EXCEPT = sql(
  'sessions_close_windows_except',
  `UPDATE sessions s SET authenticated_at = least(s.authenticated_at, now() - make_interval(secs => $3::int)),
                         reauthenticated_at = NULL
    WHERE s.user_id = $1 AND s.id <> $2 AND ${active('s')}
      AND (s.authenticated_at > now() - make_interval(secs => $3::int) OR s.reauthenticated_at IS NOT NULL)`,
);

/** The statements on `sessions` behind step-up ("sudo mode"). */
@Injectable()
export class SessionStepUpRepository {
  constructor(private readonly sql: SqlRunner) {}

  /** Ends every other active session of the user if `actorId` is in its window, in one statement. */
  async endAllExceptIfInWindow(
    userId: string,
    actorId: string,
    windowSeconds: number,
    transaction: Transaction,
  ): Promise<GatedEnd> {
    const [row] = await this.sql.rows(
      END_ALL_EXCEPT_IF_IN_WINDOW,
      [userId, actorId, windowSeconds],
      transaction,
    );
    return row;
  }

  /** Ends the user's session `targetId` if `actorId` is in its window, in one statement. */
  async endOneIfInWindow(
    userId: string,
    actorId: string,
    targetId: string,
    windowSeconds: number,
    transaction: Transaction,
  ): Promise<GatedEnd> {
    const [row] = await this.sql.rows(
      END_ONE_IF_IN_WINDOW,
      [userId, actorId, windowSeconds, targetId],
      transaction,
    );
    return row;
  }

  /** How fresh the active session's proofs are; `undefined` when it has ended. */
  async freshness(
    userId: string,
    sessionId: string,
    windows: { sudoSeconds: number; credentialChangeSeconds: number },
    transaction?: Transaction,
  ): Promise<Freshness | undefined> {
    const [row] = await this.sql.rows(
      FRESHNESS,
      [userId, sessionId, windows.sudoSeconds, windows.credentialChangeSeconds],
      transaction,
    );
    return row;
  }

  /** Sets the session's authenticatedAt to now; the session, or `undefined` when it has ended. */
  async markAuthenticated(
    userId: string,
    sessionId: string,
    transaction: Transaction,
  ): Promise<StoredSession | undefined> {
    const [row] = await this.sql.rows(MARK_AUTHENTICATED, [userId, sessionId], transaction);
    return row;
  }

  /** Closes the sudo window of every other active session of the user; how many were open. */
  closeWindowsExcept(
    userId: string,
    keepId: string,
    windowSeconds: number,
    transaction: Transaction,
  ): Promise<number> {
    return this.sql.count(CLOSE_WINDOWS_EXCEPT, [userId, keepId, windowSeconds], transaction);
  }
}
