import { Injectable } from '@nestjs/common';

import { EmailTakenError } from '../common/errors.js';
import { type Transaction, UnitOfWork } from '../database/transaction.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { ClientInfo, IssuedSession } from '../sessions/session.types.js';
import { SessionStepUpService } from '../sessions/session-step-up.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SignInMethod } from '../sessions/sign-in-method.js';
import type { UserAccount } from '../users/user-account.js';
import { UsersService } from '../users/users.service.js';
import { IdentitiesRepository } from './identities.repository.js';
import { IdentityRefusedError, type ProvenIdentity } from './identity.types.js';

/**
 * The account rules of provider sign-in. A known (provider, subject) signs its
 * account in; an unknown one makes a new password-less account, unless the
 * email already has an account: then it is refused, never linked silently.
 * A provider that does not verify emails would otherwise let anyone who types
 * the victim's address there into the victim's account here.
 */
@Injectable()
export class IdentitySignInService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly securityLog: SecurityLogService,
    private readonly unitOfWork: UnitOfWork,
    private readonly stepUp: SessionStepUpService,
  ) {}

  /** A managed session for the person the provider proved: counted, listed, revocable, pushed live, logged. */
  async signIn(proven: ProvenIdentity, client: ClientInfo): Promise<IssuedSession & { user: UserAccount }> {
    const known = await this.identities.findAccount(proven.providerId, proven.subject);
    if (!known) {
      if (proven.email === null) throw new IdentityRefusedError('email_required');
      if (await this.users.findByEmail(proven.email)) throw new IdentityRefusedError('account_exists');
    }
    return this.unitOfWork.run(async (transaction) => {
      const user = known ?? (await this.createAccount(proven, transaction));
      const via = { method: SignInMethod.OIDC, identityProvider: proven.providerId };
      const issued = await this.sessions.issue(user, client, transaction, via);
      const type = known ? SecurityEventType.SIGNED_IN : SecurityEventType.SIGNED_UP;
      await this.securityLog.record(
        { type, userId: user.id, sessionId: issued.session.id, ...client },
        transaction,
      );
      return { user, ...issued };
    });
  }

  /** Links the proven identity to the signed-in account (the caller checked the sudo window). */
  async link(userId: string, sessionId: string, proven: ProvenIdentity, client: ClientInfo): Promise<void> {
    await this.unitOfWork.run(async (transaction) => {
      const owner = await this.identities.findAccount(proven.providerId, proven.subject, transaction);
      if (owner?.id === userId) return;
      if (owner) throw new IdentityRefusedError('identity_in_use');
      const linked = await this.identities.insert(
        { userId, provider: proven.providerId, subject: proven.subject, email: proven.email },
        transaction,
      );
      if (!linked) throw new IdentityRefusedError('identity_in_use');
      await this.securityLog.record(
        { type: SecurityEventType.IDENTITY_LINKED, userId, sessionId, actorSessionId: sessionId, ...client },
        transaction,
      );
    });
  }

  /**
   * Step-up through the provider: if the person who just signed in again
   * (prompt=login, max_age=0, auth_time checked) is linked to this account,
   * the session's sudo window reopens, as `reauthenticate` does with a password.
   */
  async reauthenticate(
    userId: string,
    sessionId: string,
    proven: ProvenIdentity,
    client: ClientInfo,
  ): Promise<void> {
    await this.unitOfWork.run(async (transaction) => {
      const owner = await this.identities.findAccount(proven.providerId, proven.subject, transaction);
      if (owner?.id !== userId) throw new IdentityRefusedError('identity_mismatch');
      if (!(await this.stepUp.markAuthenticated(userId, sessionId, transaction))) {
        throw new IdentityRefusedError('not_signed_in');
      }
      await this.securityLog.record(
        { type: SecurityEventType.REAUTHENTICATED, userId, sessionId, actorSessionId: sessionId, ...client },
        transaction,
      );
    });
  }

  private async createAccount(proven: ProvenIdentity, transaction: Transaction): Promise<UserAccount> {
    let user: UserAccount;
    try {
      user = await this.users.create(proven.email!, null, transaction);
    } catch (error) {
      // Signed up with a password between the check above and now: still a collision.
      if (error instanceof EmailTakenError) throw new IdentityRefusedError('account_exists');
      throw error;
    }
    const linked = await this.identities.insert(
      { userId: user.id, provider: proven.providerId, subject: proven.subject, email: proven.email },
      transaction,
    );
    // A concurrent first sign-in of the same person won: this account is rolled back.
    if (!linked) throw new IdentityRefusedError('identity_in_use');
    return user;
  }
}
