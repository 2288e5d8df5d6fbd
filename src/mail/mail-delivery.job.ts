import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

import { PeriodicJob } from '../common/periodic-job.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { UnitOfWork } from '../database/transaction.js';
import { MailTransport } from './mail-transport.js';
import { OutboxRepository } from './outbox.repository.js';

/**
 * Delivers the outbox, one mail per transaction: the row is claimed FOR
 * UPDATE SKIP LOCKED, sent, and marked, and the mark commits before the next
 * mail is claimed. Instances never send one row at the same time.
 * Guarantee: at least once. A crash (or a lost database connection) after
 * the SMTP server accepted a mail and before its mark commits sends that one
 * mail again on the next run, with the same Message-ID (receivers can tell
 * the copy): at most one copy per instance per crash, where a batch held in
 * one transaction would resend the whole batch. A failed send is retried with
 * doubling backoff up to MAIL_MAX_ATTEMPTS. A mail given up on, or whose
 * link expired before it could go, is never sent, and its bodies are emptied
 * as a sent one's are: no secret stays in clear in the table.
 */
@Injectable()
export class MailDeliveryJob extends PeriodicJob {
  protected readonly jobName = 'deliver-mail';

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly transport: MailTransport,
    private readonly unitOfWork: UnitOfWork,
    scheduler: SchedulerRegistry,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super(scheduler);
  }

  protected intervalMs(): number {
    return this.config.mail.deliveryIntervalMs;
  }

  protected async work(): Promise<void> {
    await this.outbox.emptyUndeliverable(this.config.mail.maxAttempts);
    while (await this.deliverOne());
  }

  /** Whether a due mail was found (sent or not). */
  private deliverOne(): Promise<boolean> {
    return this.unitOfWork.run(async (transaction) => {
      const mail = await this.outbox.claimNextDue(this.config.mail.maxAttempts, transaction);
      if (!mail) return false;
      try {
        await this.transport.send(mail);
      } catch (error) {
        this.logger.warn(`Mail ${mail.id} not delivered (attempt ${mail.attempts + 1}): ${String(error)}`);
        await this.outbox.markFailed(mail.id, String(error), this.config.mail.maxAttempts, transaction);
        return true;
      }
      await this.outbox.markSent(mail.id, transaction);
      return true;
    });
  }
}
