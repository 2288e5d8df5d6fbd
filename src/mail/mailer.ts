import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import type { Transaction } from '../database/transaction.js';
import type { OutgoingMail } from './mail.types.js';
import { OutboxRepository } from './outbox.repository.js';

/**
 * What flows call to send mail: it is queued in the transaction of what
 * causes it, so a rolled-back change sends nothing and an SMTP outage loses
 * nothing; MailDeliveryJob sends it.
 */
@Injectable()
export class Mailer {
  constructor(private readonly outbox: OutboxRepository) {}

  queue(mail: OutgoingMail, transaction: Transaction): Promise<void> {
    return this.outbox.enqueue(mail, `<${randomUUID()}@sessions.mail>`, transaction);
  }
}
