import { Injectable } from '@nestjs/common';

import { InputValidationError, InvalidCredentialsError, NotFoundError } from '../common/errors.js';
import { UnitOfWork } from '../database/transaction.js';
import { type Entry, SignInDoor } from '../doors/sign-in-door.js';
import { EndingCause, SignOutDoor } from '../doors/sign-out-door.js';
import { SecurityEventType } from '../security-log/security-event-type.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import type { AuthContext, ClientInfo, IssuedSession } from '../sessions/session.types.js';
import { SessionStepUpService } from '../sessions/session-step-up.service.js';
import { toUserAccount, type UserAccount } from '../users/user-account.js';
import { UsersService } from '../users/users.service.js';
import type { ChangePasswordInput } from './dto/change-password.input.js';
import type { SignInInput } from './dto/sign-in.input.js';
import type { SignUpInput } from './dto/sign-up.input.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordHasher } from './password-hasher.js';
import { assertStrongPassword } from './password-strength.js';

export interface SignedIn extends IssuedSession {
  readonly user: UserAccount;
}

/** What a sign-in through the door gave: a session, or a pending sign-in awaiting its second factor. */
export interface SignInOutcome {
  readonly user: UserAccount;
  readonly entry: Entry;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly unitOfWork: UnitOfWork,
    private readonly stepUp: SessionStepUpService,
    private readonly securityLog: SecurityLogService,
    private readonly verification: EmailVerificationService,
    private readonly signInDoor: SignInDoor,
    private readonly signOutDoor: SignOutDoor,
  ) {}

  async signUp(input: SignUpInput, client: ClientInfo): Promise<SignedIn> {
    const passwordHash = await this.passwords.hash(input.password);
    // One transaction: an account is never left without the session its sign-up promised.
    return this.unitOfWork.run(async (transaction) => {
      const user = await this.users.create(input.email, passwordHash, transaction);
      const entry = await this.signInDoor.enter(user, { kind: 'sign-up' }, client, transaction);
      // A new account has no second factor yet.
      if (entry.kind !== 'signed-in') throw new Error('A new account was asked for a second factor');
      await this.verification.send(user, transaction);
      return { user, ...entry.issued };
    });
  }

  async signIn(input: SignInInput, client: ClientInfo): Promise<SignInOutcome> {
    const user = await this.users.findByEmail(input.email);
    // An account made by an identity provider has no password: answered like
    // an unknown email (the decoy's cost included), so no password signs it in.
    const hash = user?.passwordHash ?? null;
    const passwordMatches =
      hash !== null
        ? await this.passwords.verify(hash, input.password)
        : await this.passwords.verifyDecoy(input.password);
    if (!user || hash === null || !passwordMatches) {
      // Run for an unknown email too (it then records nothing): the same
      // statement either way keeps the answer's time from telling them apart.
      await this.securityLog.recordFailedSignIn(input.email, client);
      throw new InvalidCredentialsError();
    }
    // The door re-reads the hash under a lock (a change of password may have
    // committed since it was checked) and the lockdown: only after a right
    // password, so a wrong one never learns that the account was locked down.
    const proof = { kind: 'password', verifiedHash: hash } as const;
    return this.unitOfWork.run(async (transaction) => {
      const account = toUserAccount(user);
      return { user: account, entry: await this.signInDoor.enter(account, proof, client, transaction) };
    });
  }

  async signOut({ user, session }: AuthContext, client: ClientInfo): Promise<void> {
    await this.unitOfWork.run((transaction) =>
      this.signOutDoor.end(user.id, EndingCause.SIGN_OUT, { sessionId: session.id, client }, transaction),
    );
  }

  /**
   * Ends one of the user's sessions (the requesting one included) and returns
   * its id. Someone else's session id answers exactly like an unknown or
   * malformed one, so ids cannot be probed for existence. Another session
   * needs the requesting one to be in its sudo window; itself never does.
   */
  async revokeSession(
    { user, session }: AuthContext,
    sessionId: string,
    client: ClientInfo,
  ): Promise<string> {
    const targetId = sessionId.toLowerCase();
    const actor = { sessionId: session.id, client };
    return this.unitOfWork.run(async (transaction) => {
      const ended = await this.signOutDoor.end(user.id, EndingCause.REVOKE, actor, transaction, targetId);
      if (ended === 0) throw new NotFoundError('Session not found.');
      return targetId;
    });
  }

  /**
   * Returns how many sessions were ended; the requesting one always survives.
   * One statement for the sessions and one for the event, however many end.
   */
  signOutOtherSessions({ user, session }: AuthContext, client: ClientInfo): Promise<number> {
    const actor = { sessionId: session.id, client };
    return this.unitOfWork.run((transaction) =>
      this.signOutDoor.end(user.id, EndingCause.SIGN_OUT_OTHERS, actor, transaction),
    );
  }

  /**
   * Replaces the password after checking the current one and, unless asked
   * not to, ends every other session of the user; the requesting session stays.
   * Returns how many sessions were ended.
   */
  async changePassword(
    { user, session }: AuthContext,
    input: ChangePasswordInput,
    client: ClientInfo,
  ): Promise<number> {
    // Read here, not carried by the request's context: see UserAccount.
    const currentHash = await this.users.passwordHashOf(user.id);
    if (currentHash === null || !(await this.passwords.verify(currentHash, input.currentPassword))) {
      throw wrongCurrentPassword();
    }
    // The input's own check knew no address: a password built from the account's is refused here.
    assertStrongPassword(input.newPassword, user.email, 'newPassword');
    // Hashed before the transaction: Argon2 takes tens of milliseconds that no lock should wait for.
    const newHash = await this.passwords.hash(input.newPassword);
    const signOutOthers = input.signOutOtherSessions ?? true;
    const actor = { sessionId: session.id, client };
    // One transaction: a new password with the old sessions still alive (or
    // sessions ended for a change that did not happen) is never visible.
    return this.unitOfWork.run(async (transaction) => {
      if (!(await this.users.replacePasswordHash(user.id, currentHash, newHash, transaction))) {
        // Changed by a concurrent request since we loaded it: the password given is no longer current.
        throw wrongCurrentPassword();
      }
      // The surviving sessions proved a password that is no longer the account's:
      // their sudo windows close. The requesting one just proved the current one.
      let ended = 0;
      if (signOutOthers)
        ended = await this.signOutDoor.end(user.id, EndingCause.PASSWORD_CHANGED, actor, transaction);
      else await this.stepUp.closeOtherWindows(user.id, session.id, transaction);
      await this.stepUp.markAuthenticated(user.id, session.id, transaction);
      await this.securityLog.record(
        {
          type: SecurityEventType.PASSWORD_CHANGED,
          userId: user.id,
          sessionId: session.id,
          actorSessionId: session.id,
          endedSessionCount: ended,
          ...client,
        },
        transaction,
      );
      return ended;
    });
  }
}

function wrongCurrentPassword(): InputValidationError {
  return new InputValidationError({ currentPassword: ['Current password is incorrect.'] });
}
