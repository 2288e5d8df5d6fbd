import { Injectable } from '@nestjs/common';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { type Transaction, UnitOfWork } from '../database/transaction.js';
import { EmailTokenPurpose } from '../mail/email-token-purpose.js';
import { EmailTokensService } from '../mail/email-tokens.service.js';
import { verificationMail } from '../mail/mail-templates.js';
import { Mailer } from '../mail/mailer.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { ClientInfo } from '../sessions/session.types.js';
import type { UserAccount } from '../users/user-account.js';
import { UsersService } from '../users/users.service.js';

/** Confirming that the account's address reaches its owner: a link mailed to it, and its use. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly users: UsersService,
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: EmailTokensService,
    private readonly mailer: Mailer,
    private readonly securityLog: SecurityLogService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Queues a confirmation link in `transaction` (sign-up's own). */
  async send(user: UserAccount, transaction: Transaction): Promise<void> {
    const base = this.config.publicAppUrl;
    // In production without PUBLIC_APP_URL there is no page a link could open.
    if (!base) return;
    const secret = await this.tokens.issue(user.id, EmailTokenPurpose.VERIFY, transaction);
    await this.mailer.queue(
      verificationMail(
        user.email,
        `${base}/verify-email?token=${secret}`,
        this.config.mail.verificationTokenTtlSeconds,
      ),
      transaction,
    );
  }

  /** A new link, unless the address is confirmed already (then nothing is sent). */
  async resend(user: UserAccount): Promise<void> {
    if (await this.users.emailVerified(user.id)) return;
    await this.unitOfWork.run((transaction) => this.send(user, transaction));
  }

  /** Spends the secret and marks the address confirmed; the account. */
  verify(token: string, client: ClientInfo): Promise<UserAccount> {
    return this.unitOfWork.run(async (transaction) => {
      const userId = await this.tokens.consume(token, EmailTokenPurpose.VERIFY, transaction);
      const user = await this.users.markEmailVerified(userId, transaction);
      await this.securityLog.record(
        { type: SecurityEventType.EMAIL_VERIFIED, userId, ...client },
        transaction,
      );
      return user;
    });
  }

  isVerified(userId: string): Promise<boolean> {
    return this.users.emailVerified(userId);
  }
}
