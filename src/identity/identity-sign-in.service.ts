import { Injectable } from '@nestjs/common';

import {
  EmailTakenError,
  PasswordResetRequiredError,
  ReauthenticationRequiredError,
} from '../common/errors.js';
import { type Transaction, UnitOfWork } from '../database/transaction.js';
import { IdentitiesRepository } from '../doors/identities.repository.js';
import { type Entry, SignInDoor } from '../doors/sign-in-door.js';
import { SignInMethodAlerts } from '../doors/sign-in-method-alerts.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { ClientInfo } from '../sessions/session.types.js';
import { SessionStepUpService } from '../sessions/session-step-up.service.js';
import { acceptableEmail } from '../users/email-address.js';
import type { UserAccount } from '../users/user-account.js';
import { UsersService } from '../users/users.service.js';
import { IdentityRefusedError, type ProvenIdentity } from './identity.types.js';
import { IdentityProviders } from './identity-providers.js';

/**
 * The account rules of provider sign-in. A known (provider, subject) signs its
 * account in; an unknown one makes a new password-less account, unless the
 * email already has an account: then it is refused, never linked silently.
 * A provider that does not verify emails would otherwise let anyone who types
 * the victim's address there into the victim's account here. The session
 * itself comes from the one door (src/doors/sign-in-door.ts), like every other.
 */
@Injectable()
export class IdentitySignInService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly users: UsersService,
    private readonly securityLog: SecurityLogService,
    private readonly unitOfWork: UnitOfWork,
    private readonly stepUp: SessionStepUpService,
    private readonly signInDoor: SignInDoor,
    private readonly methodAlerts: SignInMethodAlerts,
    private readonly providers: IdentityProviders,
  ) {}

  /** A managed session for the person the provider proved: counted, listed, revocable, pushed live, logged. */
  async signIn(proven: ProvenIdentity, client: ClientInfo): Promise<{ user: UserAccount; entry: Entry }> {
    const known = await this.identities.findAccount(proven.providerId, proven.subject);
    const email = known ? null : this.newAccountEmail(proven);
    if (email !== null && (await this.users.findByEmail(email))) {
      throw new IdentityRefusedError('account_exists');
    }
    try {
      return await this.unitOfWork.run(async (transaction) => {
        const user = known ?? (await this.createAccount(proven, email!, transaction));
        const proof = {
          kind: 'identity-provider',
          providerId: proven.providerId,
          newAccount: !known,
        } as const;
        return { user, entry: await this.signInDoor.enter(user, proof, client, transaction) };
      });
    } catch (error) {
      if (error instanceof PasswordResetRequiredError)
        throw new IdentityRefusedError('password_reset_required');
      throw error;
    }
  }

  /**
   * Links the proven identity to the signed-in account. Adding a way to sign
   * in needs a proof of identity given for it (a reauthentication, not the
   * sign-in), checked here again in the transaction: minutes may have passed
   * at the provider. The owner is mailed, with the "This wasn't me" link.
   */
  async link(userId: string, sessionId: string, proven: ProvenIdentity, client: ClientInfo): Promise<void> {
    await this.unitOfWork.run(async (transaction) => {
      const user = await this.users.lock(userId, transaction);
      if (!user) throw new IdentityRefusedError('not_signed_in');
      await this.requireLinkProof(user.id, sessionId, transaction);
      const owner = await this.identities.findAccount(proven.providerId, proven.subject, transaction);
      if (owner?.id === user.id) return;
      if (owner) throw new IdentityRefusedError('identity_in_use');
      const email = proven.email === null ? null : acceptableEmail(proven.email);
      const linked = await this.identities.insert(
        { userId: user.id, provider: proven.providerId, subject: proven.subject, email },
        transaction,
      );
      if (!linked) throw new IdentityRefusedError('identity_in_use');
      await this.securityLog.record(
        {
          type: SecurityEventType.IDENTITY_LINKED,
          userId: user.id,
          sessionId,
          actorSessionId: sessionId,
          ...client,
        },
        transaction,
      );
      const method = `sign-in with ${this.providers.nameOf(proven.providerId)}`;
      await this.methodAlerts.changed(user, 'added', method, client, transaction);
    });
  }

  /** Before sending the browser to the provider: refused early when the proof is missing or stale. */
  async requireLinkProof(userId: string, sessionId: string, transaction?: Transaction): Promise<void> {
    try {
      await this.stepUp.requireCredentialChangeProof(userId, sessionId, transaction);
    } catch (error) {
      // Only the missing proof is a refusal; a database away stays what it is (logged, sign_in_failed).
      if (error instanceof ReauthenticationRequiredError)
        throw new IdentityRefusedError('reauthentication_required');
      throw error;
    }
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

  /**
   * The address a new account is made with: one valid address, normalised as
   * sign-up's, that the provider vouches for (`email_verified: true`, or no
   * claim from a provider configured as trusted). Anything else would let a
   * provider account squat a future user's address, or mail a bystander.
   */
  private newAccountEmail(proven: ProvenIdentity): string {
    if (proven.email === null) throw new IdentityRefusedError('email_required');
    const email = acceptableEmail(proven.email);
    const trusted = this.providers.find(proven.providerId)?.settings.trustEmailWithoutVerifiedClaim ?? false;
    const vouched = proven.emailVerified === true || (proven.emailVerified === null && trusted);
    if (email === null || !vouched) throw new IdentityRefusedError('email_unverified');
    return email;
  }

  private async createAccount(
    proven: ProvenIdentity,
    email: string,
    transaction: Transaction,
  ): Promise<UserAccount> {
    let user: UserAccount;
    try {
      user = await this.users.create(email, null, transaction);
    } catch (error) {
      // Signed up with a password between the check above and now: still a collision.
      if (error instanceof EmailTakenError) throw new IdentityRefusedError('account_exists');
      throw error;
    }
    const linked = await this.identities.insert(
      { userId: user.id, provider: proven.providerId, subject: proven.subject, email },
      transaction,
    );
    // A concurrent first sign-in of the same person won: this account is rolled back.
    if (!linked) throw new IdentityRefusedError('identity_in_use');
    return user;
  }
}
