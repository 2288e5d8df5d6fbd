import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';

import { InputValidationError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { UnitOfWork } from '../database/transaction.js';
import { SignInDoor } from '../doors/sign-in-door.js';
import { EmailTokenPurpose } from '../mail/email-token-purpose.js';
import { EmailTokensService } from '../mail/email-tokens.service.js';
import { passwordResetMail } from '../mail/mail-templates.js';
import { Mailer } from '../mail/mailer.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { ClientInfo } from '../sessions/session.types.js';
import { UsersService } from '../users/users.service.js';
import type { SignInOutcome } from './auth.service.js';
import { PasswordHasher } from './password-hasher.js';
import { assertStrongPassword } from './password-strength.js';

/** A forgotten password: a link mailed to the address, and a new password set from it. */
@Injectable()
export class PasswordResetService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PasswordResetService.name);
  /** Requests answered whose lookup and queueing have not finished yet. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly users: UsersService,
    private readonly signInDoor: SignInDoor,
    private readonly passwords: PasswordHasher,
    private readonly unitOfWork: UnitOfWork,
    private readonly tokens: EmailTokensService,
    private readonly mailer: Mailer,
    private readonly securityLog: SecurityLogService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Answers before the address is even looked up: the lookup and the queueing
   * run once the answer is on its way, so the answer's time cannot tell
   * whether the address has an account. The answer never promised a mail
   * (it is the same for an unknown address), so a failure here, such as the
   * database being away, is logged and the user asks again.
   */
  request(email: string, client: ClientInfo): void {
    const work: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.queueLink(email, client))
      .catch((error: unknown) => this.logger.warn(`Could not queue a password reset link: ${String(error)}`))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Resolves once every request answered so far has queued its mail or given up (shutdown and tests wait for it). */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  // Before the database closes (TypeORM closes it in onApplicationShutdown).
  async beforeApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /** Queues a reset link when the address has an account; nothing otherwise. */
  private async queueLink(email: string, client: ClientInfo): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || !this.config.publicAppUrl) return;
    const base = this.config.publicAppUrl;
    await this.unitOfWork.run(async (transaction) => {
      const secret = await this.tokens.issue(user.id, EmailTokenPurpose.RESET, transaction);
      const link = `${base}/reset-password?token=${secret}`;
      await this.mailer.queue(
        passwordResetMail(user.email, link, this.config.mail.resetTokenTtlSeconds),
        transaction,
      );
      await this.securityLog.record(
        { type: SecurityEventType.PASSWORD_RESET_REQUESTED, userId: user.id, ...client },
        transaction,
      );
    });
  }

  /**
   * Sets the new password, ends every session of the account (each open
   * socket hears PASSWORD_RESET), spends every other reset link and every
   * "This wasn't me" link, and signs in a new session: all in one
   * transaction, through the door, or none of it. On a two-factor account
   * nothing changes yet: the door opens a challenge, and completing it does all that.
   */
  async reset(token: string, newPassword: string, client: ClientInfo): Promise<SignInOutcome> {
    // Hashed before the transaction: Argon2 takes tens of milliseconds that no lock should wait for.
    const newPasswordHash = await this.passwords.hash(newPassword);
    return this.unitOfWork.run(async (transaction) => {
      const link = await this.tokens.peek(token, EmailTokenPurpose.RESET, transaction);
      const user = await this.users.lock(link.userId, transaction);
      if (!user) throw new InputValidationError({ token: ['This link is invalid or has expired.'] });
      // Only the token names the account: a password built from its address is refused here.
      assertStrongPassword(newPassword, user.email, 'newPassword');
      const proof = { kind: 'password-reset', emailTokenHash: link.secretHash, newPasswordHash } as const;
      return { user, entry: await this.signInDoor.enter(user, proof, client, transaction) };
    });
  }
}
