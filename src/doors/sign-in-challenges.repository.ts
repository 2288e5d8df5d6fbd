import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';
import type { SignInChallengeEntity } from './sign-in-challenge.entity.js';

export type StoredChallenge = Omit<SignInChallengeEntity, 'user' | 'createdAt'>;

/** A challenge's five wrong codes end it; the person starts over from the first factor. */
export const CHALLENGE_MAX_FAILED_ATTEMPTS = 5;

const COLUMNS = `c.id, c.user_id AS "userId", c.secret_hash AS "secretHash", c.first_factor AS "firstFactor",
  c.identity_provider AS "identityProvider", c.verified_password_hash AS "verifiedPasswordHash",
  c.new_password_hash AS "newPasswordHash", c.email_token_hash AS "emailTokenHash",
  c.new_account AS "newAccount", c.failed_attempts AS "failedAttempts", c.expires_at AS "expiresAt"`;

// The user's lapsed challenges go as a new one is made: a user's rows stay few without a job.
const INSERT = sql<{ id: string; expiresAt: Date }>(
  'sign_in_challenges_insert',
  `WITH lapsed AS (DELETE FROM sign_in_challenges WHERE user_id = $1 AND expires_at <= now())
   INSERT INTO sign_in_challenges (user_id, secret_hash, first_factor, identity_provider, verified_password_hash,
                                   new_password_hash, email_token_hash, new_account, expires_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))
   RETURNING id, expires_at AS "expiresAt"`,
);

// FOR UPDATE: of two completions at once, the second waits and then finds the row gone.
const TAKE = sql<StoredChallenge>(
  'sign_in_challenges_take',
  `SELECT ${COLUMNS} FROM sign_in_challenges c WHERE c.id = $1 AND c.expires_at > now() FOR UPDATE`,
);

const DELETE = sql('sign_in_challenges_delete', 'DELETE FROM sign_in_challenges c WHERE c.id = $1');

// One statement counts the failure, or ends the challenge at the limit (two
// exclusive conditions on one snapshot: a row changed twice in one statement keeps only one change).
const RECORD_FAILURE = sql<{ remaining: number }>(
  'sign_in_challenges_record_failure',
  `WITH ended AS (
     DELETE FROM sign_in_challenges c WHERE c.id = $1 AND c.failed_attempts + 1 >= $2 RETURNING c.id),
   counted AS (
     UPDATE sign_in_challenges c SET failed_attempts = c.failed_attempts + 1
      WHERE c.id = $1 AND c.failed_attempts + 1 < $2 RETURNING c.failed_attempts)
   SELECT coalesce((SELECT $2 - failed_attempts FROM counted), 0)::int AS remaining`,
);

const DELETE_EXPIRED = sql<{ id: string }>(
  'sign_in_challenges_delete_expired',
  `DELETE FROM sign_in_challenges c WHERE c.id IN (
     SELECT id FROM sign_in_challenges WHERE expires_at <= now() LIMIT $1) RETURNING c.id`,
);

export interface NewChallenge {
  readonly userId: string;
  readonly secretHash: Buffer;
  readonly firstFactor: string;
  readonly identityProvider: string | null;
  readonly verifiedPasswordHash: string | null;
  readonly newPasswordHash: string | null;
  readonly emailTokenHash: Buffer | null;
  readonly newAccount: boolean;
  readonly lifetimeSeconds: number;
}

/** Every statement on `sign_in_challenges`. */
@Injectable()
export class SignInChallengesRepository {
  constructor(private readonly sql: SqlRunner) {}

  async insert(challenge: NewChallenge, transaction: Transaction): Promise<{ id: string; expiresAt: Date }> {
    const [row] = await this.sql.rows(
      INSERT,
      [
        challenge.userId,
        challenge.secretHash,
        challenge.firstFactor,
        challenge.identityProvider,
        challenge.verifiedPasswordHash,
        challenge.newPasswordHash,
        challenge.emailTokenHash,
        challenge.newAccount,
        challenge.lifetimeSeconds,
      ],
      transaction,
    );
    return row;
  }

  /** The live challenge, locked until `transaction` ends; `undefined` when unknown, used or lapsed. */
  async take(id: string, transaction: Transaction): Promise<StoredChallenge | undefined> {
    const [row] = await this.sql.rows(TAKE, [id], transaction);
    return row;
  }

  async delete(id: string, transaction: Transaction): Promise<void> {
    await this.sql.rows(DELETE, [id], transaction);
  }

  /** Counts a wrong code; how many the challenge has left (0: it has ended). */
  async recordFailure(id: string, transaction: Transaction): Promise<number> {
    const [row] = await this.sql.rows(RECORD_FAILURE, [id, CHALLENGE_MAX_FAILED_ATTEMPTS], transaction);
    return row?.remaining ?? 0;
  }

  /** Deletes up to `limit` lapsed challenges of any user; how many. */
  async deleteExpired(limit: number): Promise<number> {
    return (await this.sql.rows(DELETE_EXPIRED, [limit])).length;
  }
}
