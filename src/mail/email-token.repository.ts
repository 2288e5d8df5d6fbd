import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';
import type { EmailTokenPurpose } from './email-token-purpose.js';

const INSERT = sql(
  'email_tokens_insert',
  `INSERT INTO email_tokens (user_id, purpose, secret_hash, expires_at)
   VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
);

// One statement decides: of two concurrent uses of one link, only one gets the row.
const CONSUME = sql<{ userId: string; issuedAt: Date }>(
  'email_tokens_consume',
  `UPDATE email_tokens t SET used_at = now()
    WHERE t.secret_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now()
   RETURNING t.user_id AS "userId", t.created_at AS "issuedAt"`,
);

// Whose live link this is, spending nothing: a reset that waits for a second factor changes nothing yet.
const HOLDER = sql<{ userId: string }>(
  'email_tokens_holder',
  `SELECT t.user_id AS "userId" FROM email_tokens t
    WHERE t.secret_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now()`,
);

const SPEND_ALL = sql(
  'email_tokens_spend_all',
  'UPDATE email_tokens t SET used_at = now() WHERE t.user_id = $1 AND t.purpose = $2 AND t.used_at IS NULL',
);

/** Every statement on `email_tokens`; secrets arrive already hashed. */
@Injectable()
export class EmailTokenRepository {
  constructor(private readonly sql: SqlRunner) {}

  async insert(
    userId: string,
    purpose: EmailTokenPurpose,
    secretHash: Buffer,
    ttlSeconds: number,
    transaction: Transaction,
  ): Promise<void> {
    await this.sql.run(INSERT, [userId, purpose, secretHash, ttlSeconds], transaction);
  }

  /** Marks the unused, unexpired token used; its user and when it was mailed, or null. */
  async consume(
    secretHash: Buffer,
    purpose: EmailTokenPurpose,
    transaction: Transaction,
  ): Promise<{ userId: string; issuedAt: Date } | null> {
    const [row] = await this.sql.rows(CONSUME, [secretHash, purpose], transaction);
    return row ?? null;
  }

  /** The user of the unused, unexpired token, or null; the token stays unused. */
  async holder(
    secretHash: Buffer,
    purpose: EmailTokenPurpose,
    transaction: Transaction,
  ): Promise<string | null> {
    const [row] = await this.sql.rows(HOLDER, [secretHash, purpose], transaction);
    return row?.userId ?? null;
  }

  async spendAll(userId: string, purpose: EmailTokenPurpose, transaction: Transaction): Promise<void> {
    await this.sql.run(SPEND_ALL, [userId, purpose], transaction);
  }
}
