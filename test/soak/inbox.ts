import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';

import type { CaughtMail, MailCatcher } from '../support/mail-catcher.js';

/** The subjects of the mails the soak follows (src/mail/mail-templates.ts). */
export const SUBJECTS = {
  verification: 'Confirm your email address',
  reset: 'Reset your password',
  alert: 'New sign-in to your account',
} as const;
export type MailKind = keyof typeof SUBJECTS;

/** How long a step waits for its mail: an SMTP refusal's backoff (2, 4, 8, 16 s) fits well inside. */
const MAIL_WAIT_MS = 120_000;

/** Message-IDs compare without their angle brackets (mailparser keeps them, so does the outbox). */
export function bareMessageId(id: string | undefined): string {
  return (id ?? '').replace(/^<|>$/g, '');
}

/**
 * A user's mailbox as the soak sees it: the mail itself comes from the real
 * SMTP server (MailCatcher); only the outbox's ids, times and delivery state
 * are read from the database, to know which mail is the newest of a kind and
 * when everything queued for an address has been handed over. The links'
 * secrets are taken from the received mail, as a user would.
 */
export class Inbox {
  private readonly pool: pg.Pool;

  constructor(
    readonly catcher: MailCatcher,
    databaseUrl: string,
  ) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 2_000 });
    // A stopped database breaks idle clients; the next query gets a new one.
    this.pool.on('error', () => {});
  }

  /** How many mails of this kind were queued for the address (committed rows); undefined if the database stayed away. */
  async queued(address: string, kind: MailKind): Promise<number | undefined> {
    const deadline = Date.now() + MAIL_WAIT_MS;
    while (Date.now() < deadline) {
      const rows = await this.query<{ n: string }>(
        'SELECT count(*) AS n FROM mail_outbox WHERE recipient = $1 AND subject = $2',
        [address, SUBJECTS[kind]],
      );
      if (rows) return Number(rows[0].n);
      await sleep(200);
    }
    return undefined;
  }

  /**
   * Waits (bounded) until at least `atLeast` mails of the kind were queued for
   * the address and all of its mail was delivered; then returns the link token
   * of the newest one queued, read from the mail the SMTP server received.
   * Undefined when that did not happen in time.
   */
  async newestToken(address: string, kind: MailKind, atLeast = 1): Promise<string | undefined> {
    const deadline = Date.now() + MAIL_WAIT_MS;
    while (Date.now() < deadline) {
      const rows = await this.query<{ message_id: string; unsent: string; n: string }>(
        `SELECT (SELECT message_id FROM mail_outbox WHERE recipient = $1 AND subject = $2
                  ORDER BY created_at DESC, id DESC LIMIT 1) AS message_id,
                (SELECT count(*) FROM mail_outbox WHERE recipient = $1 AND subject = $2) AS n,
                (SELECT count(*) FROM mail_outbox WHERE recipient = $1 AND sent_at IS NULL) AS unsent`,
        [address, SUBJECTS[kind]],
      );
      const row = rows?.[0];
      if (row && Number(row.n) >= atLeast && Number(row.unsent) === 0) {
        const mail = this.received(row.message_id);
        if (mail?.link) return new URL(mail.link).searchParams.get('token') ?? undefined;
      }
      await sleep(200);
    }
    return undefined;
  }

  /** Waits (bounded) until every queued mail was handed to the SMTP server; false if some were not. */
  async drained(limitMs: number): Promise<boolean> {
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline) {
      const rows = await this.query<{ n: string }>(
        'SELECT count(*) AS n FROM mail_outbox WHERE sent_at IS NULL',
        [],
      );
      if (rows && Number(rows[0].n) === 0) return true;
      await sleep(500);
    }
    return false;
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private received(messageId: string): CaughtMail | undefined {
    const id = bareMessageId(messageId);
    return this.catcher.received.find((mail) => bareMessageId(mail.messageId) === id);
  }

  /** Undefined while the database is away (a fault): the callers poll. */
  private async query<T extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
  ): Promise<T[] | undefined> {
    try {
      return (await this.pool.query<T>(text, values)).rows;
    } catch {
      return undefined;
    }
  }
}
