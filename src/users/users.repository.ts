import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';
import { hasPasskeySql, totpConfirmedSql, twoFactorOnSql } from './second-factor-sql.js';
import type { UserEntity } from './user.entity.js';
import type { UserAccount } from './user-account.js';

const UNIQUE_VIOLATION = '23505';

const ACCOUNT_COLUMNS = 'u.id, u.email, u.created_at AS "createdAt"';

const FIND_BY_EMAIL = sql<UserEntity>(
  'users_find_by_email',
  `SELECT ${ACCOUNT_COLUMNS}, u.password_hash AS "passwordHash", u.password_reset_required AS "passwordResetRequired"
     FROM users u WHERE u.email = $1`,
);

const PASSWORD_HASH_OF = sql<{ passwordHash: string }>(
  'users_password_hash_of',
  'SELECT u.password_hash AS "passwordHash" FROM users u WHERE u.id = $1',
);

// How the account can prove itself again (REAUTHENTICATION_REQUIRED's `methods`).
const PROOFS_OF = sql<AccountProofs>(
  'users_proofs_of',
  `SELECT u.password_hash IS NOT NULL AS "hasPassword", ${totpConfirmedSql('u.id')} AS "totpEnabled",
          ${hasPasskeySql('u.id')} AS "hasPasskey"
     FROM users u WHERE u.id = $1`,
);

const INSERT = sql<UserAccount>(
  'users_insert',
  `INSERT INTO users AS u (email, password_hash) VALUES ($1, $2) RETURNING ${ACCOUNT_COLUMNS}`,
);

// Only while the stored hash is still the one the caller verified against: two
// concurrent changes cannot both succeed on the strength of one old password.
const REPLACE_PASSWORD_HASH = sql(
  'users_replace_password_hash',
  'UPDATE users u SET password_hash = $3 WHERE u.id = $1 AND u.password_hash = $2',
);

// After a reset from an emailed link: the new hash, whatever the old one was.
const SET_PASSWORD_HASH = sql<UserAccount>(
  'users_set_password_hash',
  `UPDATE users u SET password_hash = $2, password_reset_required = false WHERE u.id = $1
   RETURNING ${ACCOUNT_COLUMNS}`,
);

const MARK_EMAIL_VERIFIED = sql<UserAccount>(
  'users_mark_email_verified',
  `UPDATE users u SET email_verified_at = coalesce(u.email_verified_at, now()) WHERE u.id = $1
   RETURNING ${ACCOUNT_COLUMNS}`,
);

// "This wasn't me": the hash stays, so a right password can still be told from a wrong one.
const REQUIRE_PASSWORD_RESET = sql<UserAccount>(
  'users_require_password_reset',
  `UPDATE users u SET password_reset_required = true WHERE u.id = $1 RETURNING ${ACCOUNT_COLUMNS}`,
);

const EMAIL_VERIFIED_OF = sql<{ verified: boolean }>(
  'users_email_verified_of',
  'SELECT u.email_verified_at IS NOT NULL AS verified FROM users u WHERE u.id = $1',
);

// Serialises changes to an account's ways of signing in (unlinking an identity).
const LOCK = sql<UserAccount>(
  'users_lock',
  `SELECT ${ACCOUNT_COLUMNS} FROM users u WHERE u.id = $1 FOR NO KEY UPDATE`,
);

// The sign-in door (src/doors/) holds this lock from its password check's last
// word to its session's insert: a concurrent credential change or lockdown (an
// UPDATE of this row) waits for the session to exist, and so ends it; or it
// went first, and the door sees the new hash or the lockdown here.
const HOLD_FOR_SIGN_IN = sql<SignInHold>(
  'users_hold_for_sign_in',
  `SELECT u.password_hash AS "passwordHash", u.password_reset_required AS "passwordResetRequired",
          ${twoFactorOnSql('u.id')} AS "twoFactorEnabled", ${totpConfirmedSql('u.id')} AS "totpEnabled",
          ${hasPasskeySql('u.id')} AS "hasPasskey"
     FROM users u WHERE u.id = $1 FOR NO KEY UPDATE`,
);

/** The proofs of identity an account has besides its providers. */
export interface AccountProofs {
  readonly hasPassword: boolean;
  /** A confirmed authenticator app. */
  readonly totpEnabled: boolean;
  readonly hasPasskey: boolean;
}

/** What the sign-in door reads of an account it holds. */
export interface SignInHold {
  readonly passwordHash: string | null;
  readonly passwordResetRequired: boolean;
  /** An authenticator app is confirmed, or a passkey kept: a first factor alone opens a challenge, not a session. */
  readonly twoFactorEnabled: boolean;
  /** Which second factors the challenge may be answered with (besides recovery codes). */
  readonly totpEnabled: boolean;
  readonly hasPasskey: boolean;
}

/** Every statement on `users`. Emails arrive normalised (the service's rule). */
@Injectable()
export class UsersRepository {
  constructor(private readonly sql: SqlRunner) {}

  async findByEmail(email: string): Promise<UserEntity | undefined> {
    const [user] = await this.sql.rows(FIND_BY_EMAIL, [email]);
    return user;
  }

  /** The stored password hash, or `null` when the user no longer exists. */
  async passwordHashOf(userId: string): Promise<string | null> {
    const [row] = await this.sql.rows(PASSWORD_HASH_OF, [userId]);
    return row?.passwordHash ?? null;
  }

  async proofsOf(userId: string): Promise<AccountProofs> {
    const [row] = await this.sql.rows(PROOFS_OF, [userId]);
    return row ?? { hasPassword: false, totpEnabled: false, hasPasskey: false };
  }

  /** Locks the user's row until `transaction` ends; its password and lockdown, or `undefined`. */
  async holdForSignIn(userId: string, transaction: Transaction): Promise<SignInHold | undefined> {
    const [row] = await this.sql.rows(HOLD_FOR_SIGN_IN, [userId], transaction);
    return row;
  }

  /** Locks the user's row until `transaction` ends; the account, or `undefined` when there is none. */
  async lock(userId: string, transaction: Transaction): Promise<UserAccount | undefined> {
    const [account] = await this.sql.rows(LOCK, [userId], transaction);
    return account;
  }

  /** The new user, or `null` when the email is taken. */
  async insert(
    email: string,
    passwordHash: string | null,
    transaction?: Transaction,
  ): Promise<UserAccount | null> {
    try {
      const [user] = await this.sql.rows(INSERT, [email, passwordHash], transaction);
      return user;
    } catch (error) {
      // The unique constraint, not a prior SELECT, decides: two sign-ups racing
      // for one email cannot both succeed.
      if (sqlStateOf(error) === UNIQUE_VIOLATION) return null;
      throw error;
    }
  }

  /** Sets the password hash (and lifts a required reset); the account, or undefined when it is gone. */
  async setPasswordHash(
    userId: string,
    newHash: string,
    transaction: Transaction,
  ): Promise<UserAccount | undefined> {
    const [user] = await this.sql.rows(SET_PASSWORD_HASH, [userId, newHash], transaction);
    return user;
  }

  async markEmailVerified(userId: string, transaction: Transaction): Promise<UserAccount | undefined> {
    const [user] = await this.sql.rows(MARK_EMAIL_VERIFIED, [userId], transaction);
    return user;
  }

  async requirePasswordReset(userId: string, transaction: Transaction): Promise<UserAccount | undefined> {
    const [user] = await this.sql.rows(REQUIRE_PASSWORD_RESET, [userId], transaction);
    return user;
  }

  async emailVerified(userId: string): Promise<boolean> {
    const [row] = await this.sql.rows(EMAIL_VERIFIED_OF, [userId]);
    return row?.verified ?? false;
  }

  /** Whether the hash was replaced (the stored one was still `expectedHash`). */
  async replacePasswordHash(
    userId: string,
    expectedHash: string,
    newHash: string,
    transaction?: Transaction,
  ): Promise<boolean> {
    return (await this.sql.count(REPLACE_PASSWORD_HASH, [userId, expectedHash, newHash], transaction)) > 0;
  }
}

function sqlStateOf(error: unknown): unknown {
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  return typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
}
