import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';

/** Why a session ended, as `currentSessionEnded` tells the connection it opened. */
export enum SessionEndReason {
  SIGNED_OUT = 'SIGNED_OUT',
  REVOKED = 'REVOKED',
  SIGNED_OUT_BY_OTHER_SESSION = 'SIGNED_OUT_BY_OTHER_SESSION',
  PASSWORD_CHANGED = 'PASSWORD_CHANGED',
  EXPIRED = 'EXPIRED',
  PASSWORD_RESET = 'PASSWORD_RESET',
  UNRECOGNIZED_SIGN_IN_REPORTED = 'UNRECOGNIZED_SIGN_IN_REPORTED',
  TWO_FACTOR_ENABLED = 'TWO_FACTOR_ENABLED',
}

/** The PostgreSQL channel every instance LISTENs on (src/live/). */
export const SESSION_EVENTS_CHANNEL = 'session_events';

/**
 * What one notification says: ids only, never a token or an address, so a
 * NOTIFY seen by anyone with LISTEN rights on the database reveals nothing
 * that would let them act as a session. Well under PostgreSQL's 8000-byte
 * payload limit: a bulk ending names the session kept, not those ended.
 */
export type SessionEvent =
  | { readonly kind: 'started'; readonly userId: string }
  | {
      readonly kind: 'ended';
      readonly userId: string;
      readonly reason: SessionEndReason;
      /** These sessions of the user ended … */
      readonly sessionIds?: readonly string[];
      /** … or every session of the user but this one (signOutOtherSessions, changePassword). */
      readonly keptSessionId?: string;
      /** … or every session of the user (resetPassword). */
      readonly all?: true;
    };

const NOTIFY = sql('session_events_notify', `SELECT pg_notify('${SESSION_EVENTS_CHANNEL}', $1)`);

/**
 * Announces session changes to every instance. Always inside the
 * transaction of the change: PostgreSQL delivers a NOTIFY only when its
 * transaction commits, so no instance hears of a change that rolled back,
 * and none misses one that committed while it listened.
 */
@Injectable()
export class SessionEvents {
  constructor(private readonly sql: SqlRunner) {}

  async publish(event: SessionEvent, transaction: Transaction): Promise<void> {
    await this.sql.run(NOTIFY, [JSON.stringify(event)], transaction);
  }

  /** Outside a transaction: for what no statement changed (an expiry an instance noticed). */
  async announce(event: SessionEvent): Promise<void> {
    await this.sql.run(NOTIFY, [JSON.stringify(event)]);
  }
}
