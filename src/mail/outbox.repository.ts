import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';
import type { OutgoingMail, QueuedMail } from './mail.types.js';

const ENQUEUE = sql(
  'mail_outbox_enqueue',
  `INSERT INTO mail_outbox (recipient, subject, text_body, html_body, message_id)
   VALUES ($1, $2, $3, $4, $5)`,
);

// SKIP LOCKED: a row another instance is sending is passed over, never sent
// twice at once; the lock lasts until that instance's transaction ends.
const CLAIM_NEXT_DUE = sql<QueuedMail>(
  'mail_outbox_claim_next_due',
  `SELECT o.id, o.recipient, o.subject, o.text_body AS "text", o.html_body AS "html",
          o.message_id AS "messageId", o.attempts
     FROM mail_outbox o
    WHERE o.sent_at IS NULL AND o.next_attempt_at <= now() AND o.attempts < $1
    ORDER BY o.next_attempt_at
    LIMIT 1
      FOR UPDATE SKIP LOCKED`,
);

// The bodies carry the links' single-use secrets, which email_tokens keeps
// only as hashes: once the mail is out, the database holds nothing that opens them.
const MARK_SENT = sql(
  'mail_outbox_mark_sent',
  `UPDATE mail_outbox o SET sent_at = now(), attempts = attempts + 1, text_body = '', html_body = ''
    WHERE o.id = $1`,
);

// Backoff doubles per attempt (2, 4, 8 … seconds), capped at an hour.
const MARK_FAILED = sql(
  'mail_outbox_mark_failed',
  `UPDATE mail_outbox o
      SET attempts = attempts + 1, last_error = left($2, 500),
          next_attempt_at = now() + make_interval(secs => least(3600, power(2, attempts + 1)))
    WHERE o.id = $1`,
);

/** Every statement on `mail_outbox`. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly sql: SqlRunner) {}

  async enqueue(mail: OutgoingMail, messageId: string, transaction: Transaction): Promise<void> {
    await this.sql.run(ENQUEUE, [mail.to, mail.subject, mail.text, mail.html, messageId], transaction);
  }

  async claimNextDue(maxAttempts: number, transaction: Transaction): Promise<QueuedMail | undefined> {
    const [mail] = await this.sql.rows(CLAIM_NEXT_DUE, [maxAttempts], transaction);
    return mail;
  }

  async markSent(id: string, transaction: Transaction): Promise<void> {
    await this.sql.run(MARK_SENT, [id], transaction);
  }

  async markFailed(id: string, error: string, transaction: Transaction): Promise<void> {
    await this.sql.run(MARK_FAILED, [id, error], transaction);
  }
}
