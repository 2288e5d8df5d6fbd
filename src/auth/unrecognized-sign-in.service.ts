import { Injectable } from '@nestjs/common';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { type Transaction, UnitOfWork } from '../database/transaction.js';
import { IdentitiesRepository } from '../doors/identities.repository.js';
import { SecondFactorsRepository } from '../doors/second-factors.repository.js';
import { EndingCause, SignOutDoor } from '../doors/sign-out-door.js';
import { EmailTokenPurpose } from '../mail/email-token-purpose.js';
import { EmailTokensService } from '../mail/email-tokens.service.js';
import { passwordResetMail } from '../mail/mail-templates.js';
import { Mailer } from '../mail/mailer.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { ClientInfo } from '../sessions/session.types.js';
import { UsersService } from '../users/users.service.js';
import { PasskeysRepository } from '../webauthn/passkeys.repository.js';

/**
 * "This wasn't me": whoever is in the account is put out and kept out. Every
 * session ends, every linked identity is removed, the password stops working (the hash stays, so the right one
 * answers PASSWORD_RESET_REQUIRED and a wrong one UNAUTHENTICATED), and the
 * owner gets a reset link. One transaction; the link is single-use, so a
 * second click changes nothing (BAD_USER_INPUT, like any spent link).
 */
@Injectable()
export class UnrecognizedSignInService {
  constructor(
    private readonly users: UsersService,
    private readonly signOutDoor: SignOutDoor,
    private readonly identities: IdentitiesRepository,
    private readonly secondFactors: SecondFactorsRepository,
    private readonly passkeys: PasskeysRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: EmailTokensService,
    private readonly mailer: Mailer,
    private readonly securityLog: SecurityLogService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  report(token: string, client: ClientInfo): Promise<void> {
    return this.unitOfWork.run(async (transaction) => {
      const { userId, issuedAt } = await this.tokens.consumeLink(
        token,
        EmailTokenPurpose.NOT_ME,
        transaction,
      );
      // The UPDATE waits for sign-ins holding the row; those that went first
      // have their session by then, and endAll ends it; later ones see the marker.
      const user = await this.users.requirePasswordReset(userId, transaction);
      const ended = await this.signOutDoor.end(
        userId,
        EndingCause.UNRECOGNIZED_SIGN_IN_REPORTED,
        { sessionId: null, client },
        transaction,
      );
      await this.removeLinkedIdentities(userId, client, transaction);
      await this.removeTwoFactorAddedSince(userId, issuedAt, client, transaction);
      await this.removePasskeysAddedSince(userId, issuedAt, client, transaction);
      // Recovery codes stand in for a second factor: with none left, they go too.
      if (!(await this.users.holdForSignIn(userId, transaction))?.twoFactorEnabled)
        await this.secondFactors.removeAll(userId, transaction);
      await this.tokens.spendAll(userId, EmailTokenPurpose.NOT_ME, transaction);
      const base = this.config.publicAppUrl;
      if (base) {
        const secret = await this.tokens.issue(userId, EmailTokenPurpose.RESET, transaction);
        const link = `${base}/reset-password?token=${secret}`;
        await this.mailer.queue(
          passwordResetMail(user.email, link, this.config.mail.resetTokenTtlSeconds),
          transaction,
        );
      }
      await this.securityLog.record(
        {
          type: SecurityEventType.UNRECOGNIZED_SIGN_IN_REPORTED,
          userId,
          endedSessionCount: ended,
          ...client,
        },
        transaction,
      );
    });
  }

  /**
   * An authenticator app turned on since the reported mail was sent may be the
   * intruder's (turning it on signed the owner out, and a reset would then ask
   * the intruder's codes): it goes, with its recovery codes. One the owner
   * had before stays on, and protects the reset.
   */
  private async removeTwoFactorAddedSince(
    userId: string,
    since: Date,
    client: ClientInfo,
    tx: Transaction,
  ): Promise<void> {
    if (await this.secondFactors.removeEnabledSince(userId, since, tx))
      await this.securityLog.record({ type: SecurityEventType.TWO_FACTOR_DISABLED, userId, ...client }, tx);
  }

  /** Likewise a passkey added since the mail: each removal is in the security log. */
  private async removePasskeysAddedSince(
    userId: string,
    since: Date,
    client: ClientInfo,
    tx: Transaction,
  ): Promise<void> {
    const removed = await this.passkeys.deleteCreatedSince(userId, since, tx);
    for (let i = 0; i < removed.length; i++)
      await this.securityLog.record({ type: SecurityEventType.PASSKEY_REMOVED, userId, ...client }, tx);
  }

  /**
   * Someone else was in the account: any identity linked to it may be theirs
   * (a stolen session can link one), and would let them back in after the
   * reset. All go; the owner links their own again once signed in, with a
   * fresh proof. Each removal is in the security log.
   */
  private async removeLinkedIdentities(userId: string, client: ClientInfo, tx: Transaction): Promise<void> {
    const removed = await this.identities.deleteAllOf(userId, tx);
    for (let i = 0; i < removed.length; i++) {
      await this.securityLog.record({ type: SecurityEventType.IDENTITY_UNLINKED, userId, ...client }, tx);
    }
  }
}
