import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

import { PeriodicJob } from '../common/periodic-job.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { UnitOfWork } from '../database/transaction.js';
import { MailTransport } from './mail-transport.js';
import { OutboxRepository } from './outbox.repository.js';

const BATCH_SIZE = 10;

/**
 * Delivers the outbox. Each batch is claimed FOR UPDATE SKIP LOCKED and kept
 * locked until its sends are marked, so instances never send one row at the
 * same time. Guarantee: at least once. A crash after the SMTP server accepted
 * a mail and before the mark commits sends it again on the next run, with the
 * same Message-ID (receivers can tell the copy); a failed send is retried with
 * doubling backoff up to MAIL_MAX_ATTEMPTS.
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
    while ((await this.deliverBatch()) === BATCH_SIZE);
  }

  /** How many rows were claimed. */
  private deliverBatch(): Promise<number> {
    return this.unitOfWork.run(async (transaction) => {
      const due = await this.outbox.claimDue(BATCH_SIZE, this.config.mail.maxAttempts, transaction);
      for (const mail of due) {
        try {
          await this.transport.send(mail);
          await this.outbox.markSent(mail.id, transaction);
        } catch (error) {
          this.logger.warn(`Mail ${mail.id} not delivered (attempt ${mail.attempts + 1}): ${String(error)}`);
          await this.outbox.markFailed(mail.id, String(error), transaction);
        }
      }
      return due.length;
    });
  }
}
