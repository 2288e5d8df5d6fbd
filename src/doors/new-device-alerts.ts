import { Injectable } from '@nestjs/common';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { Transaction } from '../database/transaction.js';
import { placeNameOf } from '../geoip/approximate-location.js';
import { EmailTokenPurpose } from '../mail/email-token-purpose.js';
import { EmailTokensService } from '../mail/email-tokens.service.js';
import { newSignInMail } from '../mail/mail-templates.js';
import { Mailer } from '../mail/mailer.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { ClientInfo } from '../sessions/session.types.js';
import type { UserAccount } from '../users/user-account.js';
import { deviceKeyOf, deviceNameOf } from './device.js';
import { KnownDevicesRepository } from './known-devices.repository.js';

/** "New sign-in to your account": mailed when a sign-in, by any method, comes from a device the account has not used. */
@Injectable()
export class NewDeviceAlertService {
  constructor(
    private readonly devices: KnownDevicesRepository,
    private readonly tokens: EmailTokensService,
    private readonly mailer: Mailer,
    private readonly securityLog: SecurityLogService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** A device known without an alert (sign-up's first, a reset's): the sign-ins that follow from it send nothing. */
  async remember(user: UserAccount, client: ClientInfo, transaction: Transaction): Promise<void> {
    await this.devices.remember(user.id, deviceKeyOf(client), transaction);
  }

  /** In the sign-in's transaction: a rolled-back sign-in alerts no one. */
  async onSignIn(
    user: UserAccount,
    sessionId: string,
    client: ClientInfo,
    transaction: Transaction,
  ): Promise<void> {
    if (!(await this.devices.remember(user.id, deviceKeyOf(client), transaction))) return;
    const base = this.config.publicAppUrl;
    if (!base) return;
    const secret = await this.tokens.issue(user.id, EmailTokenPurpose.NOT_ME, transaction);
    const mail = newSignInMail(user.email, `${base}/not-me?token=${secret}`, {
      device: deviceNameOf(client),
      ipAddress: client.ipAddress ?? 'unknown',
      place: placeNameOf(client.location),
      time: new Date().toUTCString(),
      linkTtlSeconds: this.config.mail.alertTokenTtlSeconds,
    });
    await this.mailer.queue(mail, transaction);
    await this.securityLog.record(
      { type: SecurityEventType.NEW_DEVICE_ALERT_SENT, userId: user.id, sessionId, ...client },
      transaction,
    );
  }
}
