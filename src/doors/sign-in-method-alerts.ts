import { Injectable } from '@nestjs/common';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { Transaction } from '../database/transaction.js';
import { placeNameOf } from '../geoip/approximate-location.js';
import { EmailTokenPurpose } from '../mail/email-token-purpose.js';
import { EmailTokensService } from '../mail/email-tokens.service.js';
import type { OutgoingMail } from '../mail/mail.types.js';
import {
  type PasskeyChange,
  passkeyChangedMail,
  recoveryCodeUsedMail,
  type SignInFacts,
  signInMethodChangedMail,
  twoFactorChangedMail,
} from '../mail/mail-templates.js';
import { Mailer } from '../mail/mailer.js';
import type { ClientInfo } from '../sessions/session.types.js';
import type { UserAccount } from '../users/user-account.js';
import { deviceNameOf } from './device.js';

/**
 * "A way to sign in was added to (or removed from) your account": mailed for
 * every change of the account's ways in, with which, when, from which device,
 * and the "This wasn't me" link. In the change's transaction: a change that
 * rolls back mails no one.
 */
@Injectable()
export class SignInMethodAlerts {
  constructor(
    private readonly tokens: EmailTokensService,
    private readonly mailer: Mailer,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** `method`: the words for the way in, e.g. "sign-in with Google". */
  changed(
    user: UserAccount,
    change: 'added' | 'removed',
    method: string,
    client: ClientInfo,
    transaction: Transaction,
  ): Promise<void> {
    return this.send(user, client, transaction, (link, facts) =>
      signInMethodChangedMail(user.email, link, { ...facts, change, method }),
    );
  }

  /** "A passkey was added to your account" (or removed), saying when two-factor turned on or off with it. */
  passkeyChanged(
    user: UserAccount,
    change: Pick<PasskeyChange, 'change' | 'name' | 'twoFactorTurned'>,
    client: ClientInfo,
    transaction: Transaction,
  ): Promise<void> {
    return this.send(user, client, transaction, (link, facts) =>
      passkeyChangedMail(user.email, link, { ...facts, ...change }),
    );
  }

  /** "Two-factor authentication is on" (or off). */
  twoFactorChanged(
    user: UserAccount,
    on: boolean,
    client: ClientInfo,
    transaction: Transaction,
  ): Promise<void> {
    return this.send(user, client, transaction, (link, facts) =>
      twoFactorChangedMail(user.email, link, { ...facts, on }),
    );
  }

  /** "A recovery code was used", with how many are left. */
  recoveryCodeUsed(
    user: UserAccount,
    remaining: number,
    client: ClientInfo,
    transaction: Transaction,
  ): Promise<void> {
    return this.send(user, client, transaction, (link, facts) =>
      recoveryCodeUsedMail(user.email, link, { ...facts, remaining }),
    );
  }

  private async send(
    user: UserAccount,
    client: ClientInfo,
    transaction: Transaction,
    compose: (link: string, facts: SignInFacts) => OutgoingMail,
  ): Promise<void> {
    const base = this.config.publicAppUrl;
    if (!base) return;
    const secret = await this.tokens.issue(user.id, EmailTokenPurpose.NOT_ME, transaction);
    const mail = compose(`${base}/not-me?token=${secret}`, {
      device: deviceNameOf(client),
      ipAddress: client.ipAddress ?? 'unknown',
      place: placeNameOf(client.location),
      time: new Date().toUTCString(),
      linkTtlSeconds: this.config.mail.alertTokenTtlSeconds,
    });
    await this.mailer.queue(mail, transaction);
  }
}
