import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { QueuedMail } from './mail.types.js';

/**
 * Sends one mail: nodemailer's SMTP transport when SMTP_URL is set; otherwise
 * (never in production: the config refuses) nodemailer builds the message and
 * it is written as an .eml file under DATA_DIR/mail/, its links in the log.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger(MailTransport.name);
  private readonly transporter: Transporter;
  private readonly outboxDir: string | null;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    const { smtpUrl } = config.mail;
    this.transporter = smtpUrl
      ? nodemailer.createTransport(smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    this.outboxDir = smtpUrl ? null : join(config.dataDir, 'mail');
  }

  async send(mail: QueuedMail): Promise<void> {
    const info = (await this.transporter.sendMail({
      from: this.config.mail.from,
      to: mail.recipient,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      // The same on every attempt: a mail delivered twice (a crash between
      // send and mark) is recognisable as one message by the receiving side.
      messageId: mail.messageId,
    })) as { message?: Buffer };
    if (this.outboxDir && info.message) {
      await mkdir(this.outboxDir, { recursive: true, mode: 0o700 });
      const file = join(this.outboxDir, `${mail.id}.eml`);
      await writeFile(file, info.message, { mode: 0o600 });
      const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
      this.logger.log(`Mail to ${mail.recipient} written to ${file}; link: ${links.join(' ')}`);
    }
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
