import { Module } from '@nestjs/common';

import { EmailTokenRepository } from './email-token.repository.js';
import { EmailTokensService } from './email-tokens.service.js';
import { MailDeliveryJob } from './mail-delivery.job.js';
import { MailTransport } from './mail-transport.js';
import { Mailer } from './mailer.js';
import { OutboxRepository } from './outbox.repository.js';

/** Outgoing mail (outbox, delivery, transport) and the single-use secrets of emailed links. */
@Module({
  providers: [
    OutboxRepository,
    Mailer,
    MailTransport,
    MailDeliveryJob,
    EmailTokenRepository,
    EmailTokensService,
  ],
  exports: [Mailer, EmailTokensService, MailDeliveryJob],
})
export class MailModule {}
