import { Injectable } from '@nestjs/common';

import { InvalidCredentialsError, PasswordResetRequiredError } from '../common/errors.js';
import type { Transaction } from '../database/transaction.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { ClientInfo, IssuedSession, SignInOrigin } from '../sessions/session.types.js';
import { SessionEvents } from '../sessions/session-events.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SignInMethod } from '../sessions/sign-in-method.js';
import type { UserAccount } from '../users/user-account.js';
import { UsersService } from '../users/users.service.js';
import { NewDeviceAlertService } from './new-device-alerts.js';
import type { SignInProof } from './sign-in-proof.js';
import { EndingCause, SignOutDoor } from './sign-out-door.js';

/**
 * One door in: every way a session begins (sign-up, password, identity
 * provider, password reset) hands its proof to `enter()`, which applies the
 * same rules, in one transaction (the caller's), in this order:
 *
 * 1. the account is held and its lockdown checked ("This wasn't me" keeps
 *    everyone out until a reset, whatever the proof; a password checked
 *    against a hash that has changed since signs no one in);
 * 2. the session is issued with its sign-in method;
 * 3. the per-user cap ends the least recently active sessions (door out);
 * 4. the security event;
 * 5. the new-device check and its mail ("This wasn't me" link);
 * 6. the live notice to the account's other devices.
 *
 * A new sign-in method adds a proof (sign-in-proof.ts), not a copy of these rules.
 */
@Injectable()
export class SignInDoor {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly signOut: SignOutDoor,
    private readonly securityLog: SecurityLogService,
    private readonly deviceAlerts: NewDeviceAlertService,
    private readonly events: SessionEvents,
  ) {}

  async enter(
    user: UserAccount,
    proof: SignInProof,
    client: ClientInfo,
    transaction: Transaction,
  ): Promise<IssuedSession> {
    await this.holdAccount(user.id, proof, transaction);
    const issued = await this.sessions.issue(user, client, transaction, originOf(proof));
    const sessionId = issued.session.id;
    await this.signOut.end(user.id, EndingCause.SESSION_LIMIT, { sessionId, client }, transaction, sessionId);
    await this.securityLog.record(
      {
        type: eventOf(proof),
        userId: user.id,
        sessionId,
        ...(proof.kind === 'password-reset'
          ? { actorSessionId: sessionId, endedSessionCount: proof.endedSessionCount }
          : {}),
        ...client,
      },
      transaction,
    );
    if (alertsOnNewDevice(proof)) await this.deviceAlerts.onSignIn(user, sessionId, client, transaction);
    // The account's first device, or one proven by its mailbox: known from now on, no alert.
    else await this.deviceAlerts.remember(user, client, transaction);
    await this.events.publish({ kind: 'started', userId: user.id }, transaction);
    return issued;
  }

  /**
   * Holds the account's row until the transaction ends: a password change or
   * a lockdown committed after this waits for the new session (and so ends
   * it); one committed before is seen here.
   */
  private async holdAccount(userId: string, proof: SignInProof, transaction: Transaction): Promise<void> {
    const held = await this.users.holdForSignIn(userId, transaction);
    if (!held) throw new InvalidCredentialsError();
    // Checked first: a password that is no longer the account's must not learn of a lockdown.
    if (proof.kind === 'password' && held.passwordHash !== proof.verifiedHash)
      throw new InvalidCredentialsError();
    // A reset from the emailed link is how a locked account is opened again (it clears the mark first).
    if (held.passwordResetRequired) throw new PasswordResetRequiredError();
  }
}

function originOf(proof: SignInProof): SignInOrigin {
  switch (proof.kind) {
    case 'identity-provider':
      return { method: SignInMethod.OIDC, identityProvider: proof.providerId };
    case 'password-reset':
      return { method: SignInMethod.PASSWORD_RESET, identityProvider: null };
    case 'sign-up':
    case 'password':
      return { method: SignInMethod.PASSWORD, identityProvider: null };
  }
}

function eventOf(proof: SignInProof): SecurityEventType {
  switch (proof.kind) {
    case 'sign-up':
      return SecurityEventType.SIGNED_UP;
    case 'identity-provider':
      return proof.newAccount ? SecurityEventType.SIGNED_UP : SecurityEventType.SIGNED_IN;
    case 'password-reset':
      return SecurityEventType.PASSWORD_RESET;
    case 'password':
      return SecurityEventType.SIGNED_IN;
  }
}

/** A new account's first device, and a reset proven by the mailbox, are not "someone else". */
function alertsOnNewDevice(proof: SignInProof): boolean {
  if (proof.kind === 'identity-provider') return !proof.newAccount;
  return proof.kind === 'password';
}
