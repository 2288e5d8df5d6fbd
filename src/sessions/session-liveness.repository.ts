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

/** The one read of live connections' sessions: on each expiry timer and after the listener reconnects. */
@Injectable()
export class SessionLivenessRepository {
  constructor(private readonly sql: SqlRunner) {}

  /** The rows of these sessions that still exist, expired or not; a missing id was ended by a statement. */
  find(sessionIds: readonly string[], userIds: readonly string[]): Promise<SessionLiveness[]> {
    return this.sql.rows(LIVENESS, [sessionIds, userIds]);
  }
}
