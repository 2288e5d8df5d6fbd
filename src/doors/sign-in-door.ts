import { Injectable } from '@nestjs/common';

import { InvalidCredentialsError, PasswordResetRequiredError } from '../common/errors.js';
import type { Transaction } from '../database/transaction.js';
import { EmailTokenPurpose } from '../mail/email-token-purpose.js';
import { EmailTokensService } from '../mail/email-tokens.service.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { ClientInfo, IssuedSession, SignInOrigin } from '../sessions/session.types.js';
import { SessionEvents } from '../sessions/session-events.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SignInMethod } from '../sessions/sign-in-method.js';
import type { UserAccount } from '../users/user-account.js';
import type { SignInHold } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { NewDeviceAlertService } from './new-device-alerts.js';
import { firstFactorOf, type PendingSignIn, SignInChallenges } from './sign-in-challenges.js';
import type { SignInProof } from './sign-in-proof.js';
import { EndingCause, SignOutDoor } from './sign-out-door.js';

/** What the door answers: a session, or (two-factor on, first factor only) a pending sign-in. */
export type Entry =
  | { readonly kind: 'signed-in'; readonly issued: IssuedSession }
  | { readonly kind: 'second-factor-required'; readonly pending: PendingSignIn };

/**
 * One door in: every way a session begins (sign-up, password, identity
 * provider, password reset, passkey, and the first four completed by a second factor)
 * hands its proof to `enter()`, which applies the same rules, in one
 * transaction (the caller's), in this order:
 *
 * 1. the account is held and its lockdown checked ("This wasn't me" keeps
 *    everyone out until a reset, whatever the proof; a password checked
 *    against a hash that has changed since signs no one in);
 * 2. two-factor: a first factor alone opens a challenge (no session, nothing
 *    else changed) and the door answers `second-factor-required` (a passkey
 *    is both factors at once);
 * 3. a reset's own changes: the link spent, the new password set, every
 *    session ended (door out);
 * 4. the session is issued with its sign-in method and factors;
 * 5. the per-user cap ends the least recently active sessions (door out);
 * 6. the security event;
 * 7. the new-device check and its mail ("This wasn't me" link);
 * 8. the live notice to the account's other devices.
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
    private readonly challenges: SignInChallenges,
    private readonly tokens: EmailTokensService,
  ) {}

  async enter(
    user: UserAccount,
    proof: SignInProof,
    client: ClientInfo,
    transaction: Transaction,
  ): Promise<Entry> {
    const held = await this.holdAccount(user.id, proof, transaction);
    if (held.twoFactorEnabled && needsSecondFactor(proof)) {
      const pending = await this.challenges.open(user.id, proof, held, transaction);
      return { kind: 'second-factor-required', pending };
    }
    const endedByReset =
      proof.kind === 'password-reset' ? await this.applyReset(user.id, proof, client, transaction) : 0;
    const origin = originOf(proof);
    const issued = await this.sessions.issue(user, client, transaction, origin);
    const sessionId = issued.session.id;
    await this.signOut.end(user.id, EndingCause.SESSION_LIMIT, { sessionId, client }, transaction, sessionId);
    await this.securityLog.record(
      {
        type: eventOf(proof),
        userId: user.id,
        sessionId,
        signInMethod: origin.method,
        ...(proof.kind === 'password-reset'
          ? { actorSessionId: sessionId, endedSessionCount: endedByReset }
          : {}),
        ...client,
      },
      transaction,
    );
    if (alertsOnNewDevice(proof)) await this.deviceAlerts.onSignIn(user, sessionId, client, transaction);
    // The account's first device, or one proven by its mailbox: known from now on, no alert.
    else await this.deviceAlerts.remember(user, client, transaction);
    await this.events.publish({ kind: 'started', userId: user.id }, transaction);
    return { kind: 'signed-in', issued };
  }

  /**
   * Holds the account's row until the transaction ends: a password change or
   * a lockdown committed after this waits for the new session (and so ends
   * it); one committed before is seen here.
   */
  private async holdAccount(
    userId: string,
    proof: SignInProof,
    transaction: Transaction,
  ): Promise<SignInHold> {
    const held = await this.users.holdForSignIn(userId, transaction);
    if (!held) throw new InvalidCredentialsError();
    // Checked first: a password that is no longer the account's must not learn of a lockdown.
    if (proof.kind === 'password' && held.passwordHash !== proof.verifiedHash)
      throw new InvalidCredentialsError();
    // A reset from the emailed link is how a locked account is opened again.
    if (held.passwordResetRequired && proof.kind !== 'password-reset') throw new PasswordResetRequiredError();
    return held;
  }

  /**
   * A reset's changes, once every factor it needs is given: the link is spent
   * (a link spent meanwhile answers like any spent link, and nothing
   * changes), the new password set and the lockdown lifted, every session
   * ended, and every other reset link and every "This wasn't me" link spent (a
   * link mailed before the reset would lock the recovered account again).
   * How many sessions ended.
   */
  private async applyReset(
    userId: string,
    proof: Extract<SignInProof, { kind: 'password-reset' }>,
    client: ClientInfo,
    transaction: Transaction,
  ): Promise<number> {
    await this.tokens.consumeHash(proof.emailTokenHash, EmailTokenPurpose.RESET, transaction);
    await this.users.setPasswordHash(userId, proof.newPasswordHash, transaction);
    const actor = { sessionId: null, client };
    const ended = await this.signOut.end(userId, EndingCause.PASSWORD_RESET, actor, transaction);
    await this.tokens.spendAll(userId, EmailTokenPurpose.RESET, transaction);
    await this.tokens.spendAll(userId, EmailTokenPurpose.NOT_ME, transaction);
    return ended;
  }
}

/** A first factor alone, on a two-factor account: a new account has none yet, and a passkey is both. */
function needsSecondFactor(proof: SignInProof): boolean {
  return proof.kind !== 'sign-up' && proof.kind !== 'passkey' && !proof.secondFactor;
}

function originOf(proof: SignInProof): SignInOrigin {
  const factors = [
    firstFactorOf(proof),
    ...(proof.kind !== 'sign-up' && proof.kind !== 'passkey' && proof.secondFactor
      ? [proof.secondFactor]
      : []),
  ];
  switch (proof.kind) {
    case 'passkey':
      return { method: SignInMethod.PASSKEY, identityProvider: null, factors };
    case 'identity-provider':
      return { method: SignInMethod.OIDC, identityProvider: proof.providerId, factors };
    case 'password-reset':
      return { method: SignInMethod.PASSWORD_RESET, identityProvider: null, factors };
    case 'sign-up':
    case 'password':
      return { method: SignInMethod.PASSWORD, identityProvider: null, factors };
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
    case 'passkey':
      return SecurityEventType.SIGNED_IN;
  }
}

/** A new account's first device, and a reset proven by the mailbox, are not "someone else". */
function alertsOnNewDevice(proof: SignInProof): boolean {
  if (proof.kind === 'identity-provider') return !proof.newAccount;
  return proof.kind === 'password' || proof.kind === 'passkey';
}
