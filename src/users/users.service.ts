import { Injectable } from '@nestjs/common';

import { EmailTakenError } from '../common/errors.js';
import type { Transaction } from '../database/transaction.js';
import { normalizeEmail } from './normalize-email.js';
import type { UserEntity } from './user.entity.js';
import type { UserAccount } from './user-account.js';
import { type AccountProofs, type SignInHold, UsersRepository } from './users.repository.js';

/** Accounts: one normalised form of an email, and password hashes replaced only knowingly. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /** The user with this email (in any case or padding), password hash included. */
  findByEmail(email: string): Promise<UserEntity | undefined> {
    return this.users.findByEmail(normalizeEmail(email));
  }

  /** The stored password hash of a user, or `null` when the user no longer exists. */
  passwordHashOf(userId: string): Promise<string | null> {
    return this.users.passwordHashOf(userId);
  }

  /** Whether the account has a password and an authenticator app (the ways it can step up). */
  proofsOf(userId: string): Promise<AccountProofs> {
    return this.users.proofsOf(userId);
  }

  /** A `null` hash makes an account without a password (it signs in through an identity provider). */
  async create(email: string, passwordHash: string | null, transaction?: Transaction): Promise<UserAccount> {
    const user = await this.users.insert(normalizeEmail(email), passwordHash, transaction);
    if (!user) throw new EmailTakenError();
    return user;
  }

  /** Holds the user's row until `transaction` ends; the account, or `undefined` when there is none. */
  lock(userId: string, transaction: Transaction): Promise<UserAccount | undefined> {
    return this.users.lock(userId, transaction);
  }

  /**
   * Holds the user still until `transaction` ends and says what a sign-in
   * must know: the current password hash (a password checked against an older
   * one signs no one in) and whether "This wasn't me" locked the account.
   */
  holdForSignIn(userId: string, transaction: Transaction): Promise<SignInHold | undefined> {
    return this.users.holdForSignIn(userId, transaction);
  }

  /**
   * Sets a new password hash only if the stored one is still `expectedHash`
   * (the one the caller verified the current password against). Returns
   * whether it changed; inside `transaction` when given.
   */
  replacePasswordHash(
    userId: string,
    expectedHash: string,
    newHash: string,
    transaction?: Transaction,
  ): Promise<boolean> {
    return this.users.replacePasswordHash(userId, expectedHash, newHash, transaction);
  }

  /**
   * Sets a new password hash unconditionally (a reset from an emailed link
   * proves the mailbox, not the old password); the account. Its UPDATE waits
   * for sign-ins holding the row (holdIfPasswordHashIs), so their sessions
   * exist by then and the caller's ending of every session reaches them.
   */
  async setPasswordHash(userId: string, newHash: string, transaction: Transaction): Promise<UserAccount> {
    const user = await this.users.setPasswordHash(userId, newHash, transaction);
    if (!user) throw new Error(`User ${userId} vanished during a password reset`);
    return user;
  }

  /** Records that the address was confirmed (the first time counts); the account. */
  async markEmailVerified(userId: string, transaction: Transaction): Promise<UserAccount> {
    const user = await this.users.markEmailVerified(userId, transaction);
    if (!user) throw new Error(`User ${userId} vanished during an email verification`);
    return user;
  }

  emailVerified(userId: string): Promise<boolean> {
    return this.users.emailVerified(userId);
  }

  /** Invalidates the password without forgetting it (see UserEntity.passwordResetRequired); the account. */
  async requirePasswordReset(userId: string, transaction: Transaction): Promise<UserAccount> {
    const user = await this.users.requirePasswordReset(userId, transaction);
    if (!user) throw new Error(`User ${userId} vanished during a sign-in report`);
    return user;
  }
}
