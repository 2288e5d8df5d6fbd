import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';

/** A passkey as the account's owner sees it (User.passkeys). */
export interface PasskeySummary {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
}

/** What verifying an assertion needs of a stored credential. */
export interface StoredCredential {
  readonly id: string;
  readonly userId: string;
  readonly credentialId: string;
  readonly publicKey: Buffer;
  /** bigint as text (pg), read with Number(): counters stay far below 2^53. */
  readonly counter: string;
  readonly transports: string[];
}

/** A credential id and its transports: the allow- and exclude-lists of WebAuthn options. */
export interface CredentialDescriptor {
  readonly credentialId: string;
  readonly transports: string[];
}

export interface NewPasskey {
  readonly userId: string;
  readonly credentialId: string;
  readonly publicKey: Uint8Array;
  readonly counter: number;
  readonly transports: readonly string[];
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
  readonly aaguid: string | null;
  readonly name: string;
}

/** What a challenge was handed out for. */
export type ChallengePurpose = 'registration' | 'assertion';

export interface StoredPasskeyChallenge {
  readonly purpose: ChallengePurpose;
  readonly userId: string | null;
  readonly boundTo: string | null;
}

const SUMMARY_COLUMNS = `p.id, p.user_id AS "userId", p.name, p.created_at AS "createdAt",
  p.last_used_at AS "lastUsedAt", p.backup_eligible AS "backupEligible", p.backed_up AS "backedUp"`;

const LIST_OF_USERS = sql<PasskeySummary>(
  'passkeys_list_of_users',
  `SELECT ${SUMMARY_COLUMNS} FROM passkeys p WHERE p.user_id = ANY($1::uuid[]) ORDER BY p.created_at, p.id`,
);

const DESCRIPTORS_OF_USER = sql<CredentialDescriptor>(
  'passkeys_descriptors_of_user',
  `SELECT p.credential_id AS "credentialId", p.transports FROM passkeys p WHERE p.user_id = $1
    ORDER BY p.created_at`,
);

// A credential id names one account's passkey: the second registration of it, on any account, inserts nothing.
const INSERT = sql<PasskeySummary>(
  'passkeys_insert',
  `INSERT INTO passkeys AS p (user_id, credential_id, public_key, counter, transports, backup_eligible,
                              backed_up, aaguid, name)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
   ON CONFLICT (credential_id) DO NOTHING
   RETURNING ${SUMMARY_COLUMNS}`,
);

// Locked until the assertion's transaction ends: two uses of one credential check its counter in turn.
const FIND_FOR_ASSERTION = sql<StoredCredential>(
  'passkeys_find_for_assertion',
  `SELECT p.id, p.user_id AS "userId", p.credential_id AS "credentialId", p.public_key AS "publicKey",
          p.counter, p.transports
     FROM passkeys p WHERE p.credential_id = $1 FOR NO KEY UPDATE`,
);

const MARK_USED = sql(
  'passkeys_mark_used',
  'UPDATE passkeys p SET counter = $2, backed_up = $3, last_used_at = now() WHERE p.id = $1',
);

const RENAME = sql<PasskeySummary>(
  'passkeys_rename',
  `UPDATE passkeys p SET name = $3 WHERE p.user_id = $1 AND p.id = $2 RETURNING ${SUMMARY_COLUMNS}`,
);

const EXISTS = sql<{ id: string }>(
  'passkeys_exists',
  'SELECT p.id FROM passkeys p WHERE p.user_id = $1 AND p.id = $2',
);

// Never the account's last way in: a password, a linked identity or another passkey must remain.
const DELETE_UNLESS_LAST = sql<{ name: string }>(
  'passkeys_delete_unless_last',
  `DELETE FROM passkeys p
    WHERE p.user_id = $1 AND p.id = $2
      AND (EXISTS (SELECT 1 FROM users u WHERE u.id = $1 AND u.password_hash IS NOT NULL)
           OR EXISTS (SELECT 1 FROM user_identities i WHERE i.user_id = $1)
           OR EXISTS (SELECT 1 FROM passkeys o WHERE o.user_id = $1 AND o.id <> $2))
   RETURNING p.name`,
);

// "This wasn't me": a passkey added at or after the reported mail was sent may be the intruder's.
const DELETE_CREATED_SINCE = sql<{ name: string }>(
  'passkeys_delete_created_since',
  'DELETE FROM passkeys p WHERE p.user_id = $1 AND p.created_at >= $2 RETURNING p.name',
);

const INSERT_CHALLENGE = sql<{ expiresAt: Date }>(
  'passkey_challenges_insert',
  `INSERT INTO passkey_challenges AS c (challenge_hash, purpose, user_id, bound_to, expires_at)
   VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
   RETURNING c.expires_at AS "expiresAt"`,
);

// Locked, not deleted: a response that does not verify leaves it as it was; one that does deletes it
// (of two answers at once, the second finds it gone).
const TAKE_CHALLENGE = sql<StoredPasskeyChallenge>(
  'passkey_challenges_take',
  `SELECT c.purpose, c.user_id AS "userId", c.bound_to AS "boundTo"
     FROM passkey_challenges c WHERE c.challenge_hash = $1 AND c.expires_at > now() FOR UPDATE`,
);

const DELETE_CHALLENGE = sql(
  'passkey_challenges_delete',
  'DELETE FROM passkey_challenges c WHERE c.challenge_hash = $1',
);

const DELETE_EXPIRED_CHALLENGES = sql<{ count: number }>(
  'passkey_challenges_delete_expired',
  `WITH gone AS (
     DELETE FROM passkey_challenges c WHERE c.challenge_hash IN (
       SELECT e.challenge_hash FROM passkey_challenges e WHERE e.expires_at <= now() LIMIT $1)
     RETURNING 1)
   SELECT count(*)::int AS count FROM gone`,
);

/** Every statement on `passkeys` and `passkey_challenges`. */
@Injectable()
export class PasskeysRepository {
  constructor(private readonly sql: SqlRunner) {}

  async listOfUsers(userIds: readonly string[]): Promise<PasskeySummary[]> {
    return this.sql.rows(LIST_OF_USERS, [userIds]);
  }

  async descriptorsOf(userId: string, transaction?: Transaction): Promise<CredentialDescriptor[]> {
    return this.sql.rows(DESCRIPTORS_OF_USER, [userId], transaction);
  }

  /** The stored passkey, or `null` when its credential id is already registered (to any account). */
  async insert(passkey: NewPasskey, transaction: Transaction): Promise<PasskeySummary | null> {
    const [row] = await this.sql.rows(
      INSERT,
      [
        passkey.userId,
        passkey.credentialId,
        Buffer.from(passkey.publicKey),
        passkey.counter,
        passkey.transports,
        passkey.backupEligible,
        passkey.backedUp,
        passkey.aaguid,
        passkey.name,
      ],
      transaction,
    );
    return row ?? null;
  }

  async findForAssertion(
    credentialId: string,
    transaction: Transaction,
  ): Promise<StoredCredential | undefined> {
    const [row] = await this.sql.rows(FIND_FOR_ASSERTION, [credentialId], transaction);
    return row;
  }

  async markUsed(id: string, counter: number, backedUp: boolean, transaction: Transaction): Promise<void> {
    await this.sql.run(MARK_USED, [id, counter, backedUp], transaction);
  }

  async rename(userId: string, id: string, name: string): Promise<PasskeySummary | undefined> {
    const [row] = await this.sql.rows(RENAME, [userId, id, name]);
    return row;
  }

  async exists(userId: string, id: string, transaction: Transaction): Promise<boolean> {
    return (await this.sql.rows(EXISTS, [userId, id], transaction)).length > 0;
  }

  /** The removed passkey's name, or `undefined` when it is the account's last way in (nothing removed). */
  async deleteUnlessLast(userId: string, id: string, transaction: Transaction): Promise<string | undefined> {
    const [row] = await this.sql.rows(DELETE_UNLESS_LAST, [userId, id], transaction);
    return row?.name;
  }

  /** Removes the passkeys added at or after `since`; their names. */
  async deleteCreatedSince(userId: string, since: Date, transaction: Transaction): Promise<string[]> {
    return (await this.sql.rows(DELETE_CREATED_SINCE, [userId, since], transaction)).map((row) => row.name);
  }

  async insertChallenge(
    challengeHash: Buffer,
    purpose: ChallengePurpose,
    owner: { userId: string | null; boundTo: string | null },
    lifetimeSeconds: number,
    transaction?: Transaction,
  ): Promise<Date> {
    const [row] = await this.sql.rows(
      INSERT_CHALLENGE,
      [challengeHash, purpose, owner.userId, owner.boundTo, lifetimeSeconds],
      transaction,
    );
    return row.expiresAt;
  }

  /** The live challenge with this hash, locked until `transaction` ends; `undefined` when unknown, spent or lapsed. */
  async takeChallenge(
    challengeHash: Buffer,
    transaction: Transaction,
  ): Promise<StoredPasskeyChallenge | undefined> {
    const [row] = await this.sql.rows(TAKE_CHALLENGE, [challengeHash], transaction);
    return row;
  }

  async spendChallenge(challengeHash: Buffer, transaction: Transaction): Promise<void> {
    await this.sql.run(DELETE_CHALLENGE, [challengeHash], transaction);
  }

  /** Reclaims up to `limit` lapsed challenges; how many. */
  async deleteExpiredChallenges(limit: number): Promise<number> {
    const [row] = await this.sql.rows(DELETE_EXPIRED_CHALLENGES, [limit]);
    return row?.count ?? 0;
  }
}
