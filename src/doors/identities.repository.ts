import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';
import type { UserAccount } from '../users/user-account.js';

/** A linked identity as the account's owner sees it. */
export interface StoredIdentity {
  readonly id: string;
  readonly userId: string;
  readonly provider: string;
  readonly email: string | null;
  readonly linkedAt: Date;
}

const IDENTITY_COLUMNS = `i.id, i.user_id AS "userId", i.provider, i.email, i.linked_at AS "linkedAt"`;

const FIND_ACCOUNT = sql<UserAccount>(
  'user_identities_find_account',
  `SELECT u.id, u.email, u.created_at AS "createdAt"
     FROM user_identities i JOIN users u ON u.id = i.user_id
    WHERE i.provider = $1 AND i.subject = $2`,
);

// ON CONFLICT: the unique (provider, subject) decides a race between two
// first sign-ins (or a link and a sign-in); the loser gets no row back.
const INSERT = sql<StoredIdentity>(
  'user_identities_insert',
  `INSERT INTO user_identities AS i (user_id, provider, subject, email) VALUES ($1, $2, $3, $4)
   ON CONFLICT (provider, subject) DO NOTHING
   RETURNING ${IDENTITY_COLUMNS}`,
);

const LIST_BY_USER = sql<StoredIdentity>(
  'user_identities_list_by_user',
  `SELECT ${IDENTITY_COLUMNS} FROM user_identities i WHERE i.user_id = $1 ORDER BY i.linked_at, i.id`,
);

// Only while another way to sign in is left: a password, or another identity.
// The caller holds the user's row locked, so two unlinks cannot each leave
// "the other one" and together leave none.
const DELETE_UNLESS_LAST = sql<{ id: string; provider: string }>(
  'user_identities_delete_unless_last',
  `DELETE FROM user_identities i
    WHERE i.user_id = $1 AND i.id = $2
      AND (EXISTS (SELECT 1 FROM users u WHERE u.id = $1 AND u.password_hash IS NOT NULL)
           OR EXISTS (SELECT 1 FROM user_identities o WHERE o.user_id = $1 AND o.id <> $2)
           OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = $1))
   RETURNING i.id, i.provider`,
);

// "This wasn't me": every linked identity goes; the owner links their own again after the reset.
const DELETE_ALL_OF_USER = sql<{ id: string; provider: string }>(
  'user_identities_delete_all_of_user',
  'DELETE FROM user_identities i WHERE i.user_id = $1 RETURNING i.id, i.provider',
);

const EXISTS_FOR_USER = sql<{ id: string }>(
  'user_identities_exists_for_user',
  'SELECT i.id FROM user_identities i WHERE i.user_id = $1 AND i.id = $2',
);

/** Every statement on `user_identities`; each read or delete names the user. */
@Injectable()
export class IdentitiesRepository {
  constructor(private readonly sql: SqlRunner) {}

  async findAccount(
    provider: string,
    subject: string,
    transaction?: Transaction,
  ): Promise<UserAccount | undefined> {
    const [account] = await this.sql.rows(FIND_ACCOUNT, [provider, subject], transaction);
    return account;
  }

  /** The new link, or `undefined` when (provider, subject) is already linked to an account. */
  async insert(
    link: { userId: string; provider: string; subject: string; email: string | null },
    transaction: Transaction,
  ): Promise<StoredIdentity | undefined> {
    const [row] = await this.sql.rows(
      INSERT,
      [link.userId, link.provider, link.subject, link.email],
      transaction,
    );
    return row;
  }

  listByUser(userId: string): Promise<StoredIdentity[]> {
    return this.sql.rows(LIST_BY_USER, [userId]);
  }

  async exists(userId: string, id: string, transaction: Transaction): Promise<boolean> {
    return (await this.sql.rows(EXISTS_FOR_USER, [userId, id], transaction)).length > 0;
  }

  /** Removes every identity linked to the user; what was removed. */
  deleteAllOf(userId: string, transaction: Transaction): Promise<Array<{ id: string; provider: string }>> {
    return this.sql.rows(DELETE_ALL_OF_USER, [userId], transaction);
  }

  /** The removed identity's provider, or `undefined` when it is the last way in (or not the user's). */
  async deleteUnlessLast(userId: string, id: string, transaction: Transaction): Promise<string | undefined> {
    const [row] = await this.sql.rows(DELETE_UNLESS_LAST, [userId, id], transaction);
    return row?.provider;
  }
}
