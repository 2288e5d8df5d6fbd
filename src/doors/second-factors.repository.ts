import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';
import { twoFactorOnSql } from '../users/second-factor-sql.js';

/** An account's authenticator app as stored: the sealed secret and its state. */
export interface StoredTotpFactor {
  readonly secretCiphertext: string;
  readonly confirmedAt: Date | null;
}

// A new enrollment replaces a pending one, never a confirmed one (RETURNING says which happened).
const UPSERT_PENDING = sql<{ userId: string }>(
  'totp_factors_upsert_pending',
  `INSERT INTO totp_factors AS t (user_id, secret_ciphertext) VALUES ($1, $2)
   ON CONFLICT (user_id) DO UPDATE SET secret_ciphertext = excluded.secret_ciphertext, created_at = now(),
                                       last_used_step = 0
     WHERE t.confirmed_at IS NULL
   RETURNING t.user_id AS "userId"`,
);

const FIND = sql<StoredTotpFactor>(
  'totp_factors_find',
  `SELECT t.secret_ciphertext AS "secretCiphertext", t.confirmed_at AS "confirmedAt"
     FROM totp_factors t WHERE t.user_id = $1`,
);

// The one check of a code's freshness, on every instance alike: a time step is
// accepted once, and never one older than the last accepted. A wrong code runs
// this too (with step -1, which matches nothing), so its answer takes the same time.
const USE_STEP = sql<{ userId: string }>(
  'totp_factors_use_step',
  `UPDATE totp_factors t SET last_used_step = $2
    WHERE t.user_id = $1 AND t.last_used_step < $2 AND (t.confirmed_at IS NOT NULL) = $3
   RETURNING t.user_id AS "userId"`,
);

const CONFIRM = sql<{ confirmedAt: Date }>(
  'totp_factors_confirm',
  `UPDATE totp_factors t SET confirmed_at = now() WHERE t.user_id = $1 AND t.confirmed_at IS NULL
   RETURNING t.confirmed_at AS "confirmedAt"`,
);

const DELETE = sql<{ confirmed: boolean }>(
  'totp_factors_delete',
  `DELETE FROM totp_factors t WHERE t.user_id = $1 RETURNING t.confirmed_at IS NOT NULL AS confirmed`,
);

// "This wasn't me": an app turned on at or after the reported mail was sent may be the intruder's.
const DELETE_CONFIRMED_SINCE = sql<{ userId: string }>(
  'totp_factors_delete_confirmed_since',
  `DELETE FROM totp_factors t WHERE t.user_id = $1 AND (t.confirmed_at IS NULL OR t.confirmed_at >= $2)
   RETURNING t.user_id AS "userId"`,
);

const DELETE_RECOVERY_CODES = sql(
  'recovery_codes_delete_all',
  'DELETE FROM recovery_codes c WHERE c.user_id = $1',
);

const INSERT_RECOVERY_CODES = sql(
  'recovery_codes_insert',
  'INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])',
);

const USE_RECOVERY_CODE = sql<{ remaining: number }>(
  'recovery_codes_use',
  `WITH used AS (DELETE FROM recovery_codes c WHERE c.user_id = $1 AND c.code_hash = $2 RETURNING c.code_hash)
   SELECT ((SELECT count(*) FROM recovery_codes r WHERE r.user_id = $1) - 1)::int AS remaining
     FROM used`,
);

const COUNT_RECOVERY_CODES = sql<{ userId: string; remaining: number }>(
  'recovery_codes_count',
  `SELECT u.id AS "userId", count(c.code_hash)::int AS remaining
     FROM unnest($1::uuid[]) AS u(id) LEFT JOIN recovery_codes c ON c.user_id = u.id GROUP BY u.id`,
);

const TWO_FACTOR_ENABLED = sql<{ userId: string; enabled: boolean }>(
  'totp_factors_enabled',
  `SELECT u.id AS "userId", ${twoFactorOnSql('u.id')} AS enabled FROM unnest($1::uuid[]) AS u(id)`,
);

/**
 * Every statement on `totp_factors` and `recovery_codes`: the second factors,
 * kept with the other ways in (here, in doors/), so that "This wasn't me" and
 * the two-factor room see one place.
 */
@Injectable()
export class SecondFactorsRepository {
  constructor(private readonly sql: SqlRunner) {}

  /** Stores a pending enrollment; `false` when the account's app is already confirmed (nothing changed). */
  async savePendingTotp(
    userId: string,
    secretCiphertext: string,
    transaction: Transaction,
  ): Promise<boolean> {
    return (await this.sql.rows(UPSERT_PENDING, [userId, secretCiphertext], transaction)).length > 0;
  }

  async findTotp(userId: string, transaction?: Transaction): Promise<StoredTotpFactor | undefined> {
    const [row] = await this.sql.rows(FIND, [userId], transaction);
    return row;
  }

  /**
   * Accepts `step` once: whether it was newer than the last accepted step of
   * the app (confirmed, or pending when `confirmed` is false). -1 never is.
   */
  async useTimeStep(
    userId: string,
    step: number,
    confirmed: boolean,
    transaction: Transaction,
  ): Promise<boolean> {
    return (await this.sql.rows(USE_STEP, [userId, step, confirmed], transaction)).length > 0;
  }

  /** Turns the pending app on; `false` when there was none pending. */
  async confirmTotp(userId: string, transaction: Transaction): Promise<boolean> {
    return (await this.sql.rows(CONFIRM, [userId], transaction)).length > 0;
  }

  /** Removes the app and every recovery code; whether two-factor was on. */
  async removeAll(userId: string, transaction: Transaction): Promise<boolean> {
    const [row] = await this.sql.rows(DELETE, [userId], transaction);
    await this.sql.run(DELETE_RECOVERY_CODES, [userId], transaction);
    return row?.confirmed ?? false;
  }

  /** Removes an app turned on at or after `since` (and then the recovery codes); whether one was. */
  async removeEnabledSince(userId: string, since: Date, transaction: Transaction): Promise<boolean> {
    const removed = (await this.sql.rows(DELETE_CONFIRMED_SINCE, [userId, since], transaction)).length > 0;
    if (removed) await this.sql.run(DELETE_RECOVERY_CODES, [userId], transaction);
    return removed;
  }

  /** The old codes stop working; these hashes are the account's codes now. */
  async replaceRecoveryCodes(
    userId: string,
    hashes: readonly Buffer[],
    transaction: Transaction,
  ): Promise<void> {
    await this.sql.run(DELETE_RECOVERY_CODES, [userId], transaction);
    await this.sql.run(INSERT_RECOVERY_CODES, [userId, hashes], transaction);
  }

  /** Spends the code with this hash; how many remain, or `null` when it was not an unused code of the user. */
  async useRecoveryCode(userId: string, hash: Buffer, transaction: Transaction): Promise<number | null> {
    const [row] = await this.sql.rows(USE_RECOVERY_CODE, [userId, hash], transaction);
    return row ? row.remaining : null;
  }

  async countRecoveryCodes(userIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.sql.rows(COUNT_RECOVERY_CODES, [userIds]);
    return new Map(rows.map((row) => [row.userId, row.remaining]));
  }

  async twoFactorEnabled(userIds: readonly string[]): Promise<Map<string, boolean>> {
    const rows = await this.sql.rows(TWO_FACTOR_ENABLED, [userIds]);
    return new Map(rows.map((row) => [row.userId, row.enabled]));
  }
}
