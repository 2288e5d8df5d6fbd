import { Injectable } from '@nestjs/common';

import { InputValidationError, InvalidCredentialsError, NotFoundError } from '../common/errors.js';
import { UnitOfWork } from '../database/transaction.js';
import type { AuthContext, ClientInfo, IssuedSession } from '../sessions/session.types.js';
import { SessionEndReason } from '../sessions/session-events.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { toUserAccount, type UserAccount } from '../users/user-account.js';
import { UsersService } from '../users/users.service.js';
import type { ChangePasswordInput } from './dto/change-password.input.js';
import type { SignInInput } from './dto/sign-in.input.js';
import type { SignUpInput } from './dto/sign-up.input.js';
import { PasswordHasher } from './password-hasher.js';

export interface SignedIn extends IssuedSession {
  readonly user: UserAccount;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordHasher,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async signUp(input: SignUpInput, client: ClientInfo): Promise<SignedIn> {
    const passwordHash = await this.passwords.hash(input.password);
    // One transaction: an account is never left without the session its sign-up promised.
    return this.unitOfWork.run(async (transaction) => {
      const user = await this.users.create(input.email, passwordHash, transaction);
      return { user, ...(await this.sessions.issue(user, client, transaction)) };
    });
  }

  async signIn(input: SignInInput, client: ClientInfo): Promise<SignedIn> {
    const user = await this.users.findByEmail(input.email);
    const passwordMatches = user
      ? await this.passwords.verify(user.passwordHash, input.password)
      : await this.passwords.verifyDecoy(input.password);
    if (!user || !passwordMatches) throw new InvalidCredentialsError();
    // The password was checked against the hash read above, tens of
    // milliseconds ago; a change of password may have committed since. The
    // session is made only while that hash is still the account's, under a lock
    // a concurrent change waits for: a changed password signs no one in.
    const signedIn = await this.unitOfWork.run(async (transaction) => {
      if (!(await this.users.holdIfPasswordHashIs(user.id, user.passwordHash, transaction))) return null;
      return { user: toUserAccount(user), ...(await this.sessions.issue(user, client, transaction)) };
    });
    if (!signedIn) throw new InvalidCredentialsError();
    return signedIn;
  }

  async signOut({ user, session }: AuthContext): Promise<void> {
    await this.sessions.end(user.id, session.id, SessionEndReason.SIGNED_OUT);
  }

  /**
   * Ends one of the user's sessions (the requesting one included) and returns
   * its id. Someone else's session id answers exactly like an unknown or
   * malformed one, so ids cannot be probed for existence.
   */
  async revokeSession({ user, session }: AuthContext, sessionId: string): Promise<string> {
    // Revoking the session one is using is signing out, to the device that sees it end.
    const reason =
      sessionId.toLowerCase() === session.id ? SessionEndReason.SIGNED_OUT : SessionEndReason.REVOKED;
    if (!(await this.sessions.end(user.id, sessionId, reason))) throw new NotFoundError('Session not found.');
    return sessionId.toLowerCase();
  }

  /** Returns how many sessions were ended; the requesting one always survives. */
  signOutOtherSessions({ user, session }: AuthContext): Promise<number> {
    return this.sessions.endAllExcept(user.id, session.id, SessionEndReason.SIGNED_OUT_BY_OTHER_SESSION);
  }

  /**
   * Replaces the password after checking the current one and, unless asked
   * not to, ends every other session of the user; the requesting session stays.
   * Returns how many sessions were ended.
   */
  async changePassword({ user, session }: AuthContext, input: ChangePasswordInput): Promise<number> {
    // Read here, not carried by the request's context: see UserAccount.
    const currentHash = await this.users.passwordHashOf(user.id);
    if (currentHash === null || !(await this.passwords.verify(currentHash, input.currentPassword))) {
      throw wrongCurrentPassword();
    }
    // Hashed before the transaction: Argon2 takes tens of milliseconds that no lock should wait for.
    const newHash = await this.passwords.hash(input.newPassword);
    const signOutOthers = input.signOutOtherSessions ?? true;
    // One transaction: a new password with the old sessions still alive (or
    // sessions ended for a change that did not happen) is never visible.
    const signedOutCount = await this.unitOfWork.run(async (transaction) => {
      if (!(await this.users.replacePasswordHash(user.id, currentHash, newHash, transaction))) {
        // Changed by a concurrent request since we loaded it: the password given is no longer current.
        throw wrongCurrentPassword();
      }
      return signOutOthers
        ? this.sessions.endAllExcept(user.id, session.id, SessionEndReason.PASSWORD_CHANGED, transaction)
        : 0;
    });
    return signedOutCount;
  }
}

function wrongCurrentPassword(): InputValidationError {
  return new InputValidationError({ currentPassword: ['Current password is incorrect.'] });
}
