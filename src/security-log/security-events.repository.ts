import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';
import type { NewSecurityEvent, SecurityEventPosition, StoredSecurityEvent } from './security-event.types.js';

const COLUMNS = `e.id, e.type, e.user_id AS "userId", e.session_id AS "sessionId",
  e.actor_session_id AS "actorSessionId", e.ip_address AS "ipAddress", e.user_agent AS "userAgent",
  e.ended_session_count AS "endedSessionCount", e.occurred_at AS "occurredAt", e.location,
  e.sign_in_method AS "signInMethod",
  (extract(epoch FROM e.occurred_at) * 1000000)::bigint::text AS "positionMicros"`;

const INSERT = sql(
  'security_events_insert',
  `INSERT INTO security_events
     (type, user_id, session_id, actor_session_id, ip_address, user_agent, ended_session_count, location,
      sign_in_method)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
);

// By email, in one statement whether or not the account exists: an unknown
// email inserts nothing but costs the same round trip, so the time of a
// sign-in's answer still does not say whether the email has an account.
const INSERT_FOR_EMAIL = sql(
  'security_events_insert_for_email',
  `INSERT INTO security_events (type, user_id, ip_address, user_agent, location)
   SELECT $1, u.id, $3, $4, $5 FROM users u WHERE u.email = $2`,
);

// Newest first. occurred_at is clock_timestamp(), so events of one
// transaction differ too; the id only breaks exact-microsecond ties. Served by (user_id, occurred_at DESC, id DESC), stopping at the limit.
const FIRST_PAGE = sql<StoredSecurityEvent>(
  'security_events_first_page',
  `SELECT ${COLUMNS} FROM security_events e
    WHERE e.user_id = $1
    ORDER BY e.occurred_at DESC, e.id DESC
    LIMIT $2`,
);

// Keyset: strictly older than the cursor's event, so events written since
// the first page never shift, repeat or hide the rest. Exact to the
// microsecond (epoch + n µs), as PostgreSQL stores it.
const PAGE_AFTER = sql<StoredSecurityEvent>(
  'security_events_page_after',
  `SELECT ${COLUMNS} FROM security_events e
    WHERE e.user_id = $1
      AND (e.occurred_at, e.id) < (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4::uuid)
    ORDER BY e.occurred_at DESC, e.id DESC
    LIMIT $2`,
);

// As the session cleanup: small batches, SKIP LOCKED for concurrent instances.
const DELETE_OLDER_THAN_BATCH = sql(
  'security_events_delete_older_than_batch',
  `DELETE FROM security_events
    WHERE id = ANY(ARRAY(
      SELECT e.id FROM security_events e
       WHERE e.occurred_at < now() - make_interval(days => $1::int)
       LIMIT $2 FOR UPDATE SKIP LOCKED))`,
);

/** Every statement on `security_events`: appends, a user's pages, the retention purge. */
@Injectable()
export class SecurityEventsRepository {
  constructor(private readonly sql: SqlRunner) {}

  async insert(event: NewSecurityEvent, transaction?: Transaction): Promise<void> {
    const { type, userId, sessionId, actorSessionId, ipAddress, userAgent, endedSessionCount, location } =
      event;
    const signInMethod = event.signInMethod ?? null;
    await this.sql.run(
      INSERT,
      [
        type,
        userId,
        sessionId ?? null,
        actorSessionId ?? null,
        ipAddress,
        userAgent,
        endedSessionCount ?? null,
        location ?? null,
        signInMethod,
      ],
      transaction,
    );
  }

  /** Records `type` on the account with this (normalised) email, if there is one. */
  async insertForEmail(
    type: string,
    email: string,
    client: Pick<NewSecurityEvent, 'ipAddress' | 'userAgent' | 'location'>,
  ): Promise<void> {
    await this.sql.run(INSERT_FOR_EMAIL, [
      type,
      email,
      client.ipAddress,
      client.userAgent,
      client.location ?? null,
    ]);
  }

  /** Up to `limit` of the user's events, newest first, older than `after` when given. */
  page(userId: string, limit: number, after: SecurityEventPosition | null): Promise<StoredSecurityEvent[]> {
    return after
      ? this.sql.rows(PAGE_AFTER, [userId, limit, after.occurredAtMicros, after.id])
      : this.sql.rows(FIRST_PAGE, [userId, limit]);
  }

  /** Deletes up to `batchSize` events older than `days`; how many. */
  deleteOlderThanBatch(days: number, batchSize: number): Promise<number> {
    return this.sql.count(DELETE_OLDER_THAN_BATCH, [days, batchSize]);
  }
}
