import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';
import type { OutgoingMail, QueuedMail } from './mail.types.js';

const ENQUEUE = sql(
  'mail_outbox_enqueue',
  `INSERT INTO mail_outbox (recipient, subject, text_body, html_body, message_id, expires_at)
   VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
);

// SKIP LOCKED: a row another instance is sending is passed over, never sent
// twice at once; the lock lasts until that instance's transaction ends.
const CLAIM_NEXT_DUE = sql<QueuedMail>(
  'mail_outbox_claim_next_due',
  `SELECT o.id, o.recipient, o.subject, o.text_body AS "text", o.html_body AS "html",
          o.message_id AS "messageId", o.attempts
     FROM mail_outbox o
    WHERE o.sent_at IS NULL AND o.next_attempt_at <= now() AND o.attempts < $1
      AND (o.expires_at IS NULL OR o.expires_at > now()) AND o.text_body <> ''
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

// Backoff doubles per attempt (2, 4, 8 … seconds), capped at an hour. The last attempt gives the
// mail up: nothing will send it, so its bodies go as a sent one's do ($3: MAIL_MAX_ATTEMPTS).
const MARK_FAILED = sql(
  'mail_outbox_mark_failed',
  `UPDATE mail_outbox o
      SET attempts = attempts + 1, last_error = left($2, 500),
          next_attempt_at = now() + make_interval(secs => least(3600, power(2, attempts + 1))),
          text_body = CASE WHEN attempts + 1 >= $3 THEN '' ELSE text_body END,
          html_body = CASE WHEN attempts + 1 >= $3 THEN '' ELSE html_body END
    WHERE o.id = $1`,
);

// A mail still unsent when its link stops working is never sent (the link would not open), and an
// undelivered row must not keep a secret for ever: rows given up on before this rule existed too.
const EMPTY_UNDELIVERABLE = sql(
  'mail_outbox_empty_undeliverable',
  `UPDATE mail_outbox o
      SET text_body = '', html_body = '',
          last_error = CASE WHEN o.attempts >= $1 THEN o.last_error ELSE 'The link expired before delivery.' END
    WHERE o.sent_at IS NULL AND o.text_body <> '' AND (o.expires_at <= now() OR o.attempts >= $1)`,
);

/** Every statement on `mail_outbox`. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly sql: SqlRunner) {}

  async enqueue(mail: OutgoingMail, messageId: string, transaction: Transaction): Promise<void> {
    await this.sql.run(
      ENQUEUE,
      [mail.to, mail.subject, mail.text, mail.html, messageId, mail.linkTtlSeconds ?? null],
      transaction,
    );
  }

  async claimNextDue(maxAttempts: number, transaction: Transaction): Promise<QueuedMail | undefined> {
    const [mail] = await this.sql.rows(CLAIM_NEXT_DUE, [maxAttempts], transaction);
    return mail;
  }

  async markSent(id: string, transaction: Transaction): Promise<void> {
    await this.sql.run(MARK_SENT, [id], transaction);
  }

  async markFailed(id: string, error: string, maxAttempts: number, transaction: Transaction): Promise<void> {
    await this.sql.run(MARK_FAILED, [id, error, maxAttempts], transaction);
  }

  /** Empties the bodies of mails given up on or whose link expired unsent; how many. */
  async emptyUndeliverable(maxAttempts: number): Promise<number> {
    return this.sql.count(EMPTY_UNDELIVERABLE, [maxAttempts]);
  }
}
