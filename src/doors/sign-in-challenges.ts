import { Injectable } from '@nestjs/common';

import { InputValidationError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { Transaction } from '../database/transaction.js';
import { AuthenticationFactor, SecondFactorMethod } from '../sessions/authentication-factor.js';
import {
  createSessionSecret,
  formatSessionToken,
  parseSessionToken,
  sessionSecretMatches,
} from '../sessions/session-token.js';
import type { SignInHold } from '../users/users.repository.js';
import { PasskeyCeremonies } from '../webauthn/passkey-ceremonies.js';
import { SignInChallengesRepository, type StoredChallenge } from './sign-in-challenges.repository.js';
import type { SecondFactor, SignInProof } from './sign-in-proof.js';

/** A sign-in waiting for its second factor: what SECOND_FACTOR_REQUIRED tells the client. */
export interface PendingSignIn {
  /** `<id>.<secret>`: shown to the client once (and set as a cookie), never stored. */
  readonly challenge: string;
  readonly expiresAt: Date;
  readonly methods: readonly SecondFactorMethod[];
  /** With PASSKEY among the methods: request options (JSON) naming the account's passkeys. */
  readonly passkeyOptions: string | null;
}

/** A challenge taken for completion, locked until its transaction ends. */
export type TakenChallenge = StoredChallenge;

/**
 * Pending sign-ins. The door opens one when a first factor is right on a
 * two-factor account; completing it hands the same proof back to the door,
 * with the second factor. Single use, short-lived, found by id and checked by
 * its secret's hash like a session token.
 */
@Injectable()
export class SignInChallenges {
  constructor(
    private readonly challenges: SignInChallengesRepository,
    private readonly passkeys: PasskeyCeremonies,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** `account`: which second factors it has, as the door read them under its hold. */
  async open(
    userId: string,
    proof: SignInProof,
    account: Pick<SignInHold, 'totpEnabled' | 'hasPasskey'>,
    transaction: Transaction,
  ): Promise<PendingSignIn> {
    const { secret, hash } = createSessionSecret();
    const { id, expiresAt } = await this.challenges.insert(
      {
        userId,
        secretHash: hash,
        firstFactor: firstFactorOf(proof),
        identityProvider: proof.kind === 'identity-provider' ? proof.providerId : null,
        verifiedPasswordHash: proof.kind === 'password' ? proof.verifiedHash : null,
        newPasswordHash: proof.kind === 'password-reset' ? proof.newPasswordHash : null,
        emailTokenHash: proof.kind === 'password-reset' ? proof.emailTokenHash : null,
        newAccount: proof.kind === 'identity-provider' && proof.newAccount,
        lifetimeSeconds: this.config.twoFactor.challengeSeconds,
      },
      transaction,
    );
    const passkeyOptions = account.hasPasskey
      ? (await this.passkeys.assertionOptions(userId, transaction)).optionsJson
      : null;
    return {
      challenge: formatSessionToken(id, secret),
      expiresAt,
      methods: [
        ...(account.totpEnabled ? [SecondFactorMethod.TOTP] : []),
        ...(account.hasPasskey ? [SecondFactorMethod.PASSKEY] : []),
        SecondFactorMethod.RECOVERY_CODE,
      ],
      passkeyOptions,
    };
  }

  /**
   * The live challenge `token` names, locked until `transaction` ends.
   * Unknown, malformed, used, lapsed or ended by wrong codes: one answer,
   * BAD_USER_INPUT on `challenge`.
   */
  async take(token: string, transaction: Transaction): Promise<TakenChallenge> {
    const parsed = parseSessionToken(token);
    const row = parsed ? await this.challenges.take(parsed.sessionId, transaction) : undefined;
    if (!row || !parsed || !sessionSecretMatches(parsed.secret, row.secretHash)) throw unknownChallenge();
    return row;
  }

  /** Counts a wrong code; how many the challenge has left (0: it has ended). */
  recordFailure(challenge: TakenChallenge, transaction: Transaction): Promise<number> {
    return this.challenges.recordFailure(challenge.id, transaction);
  }

  /** Spent: a challenge completes once. */
  spend(challenge: TakenChallenge, transaction: Transaction): Promise<void> {
    return this.challenges.delete(challenge.id, transaction);
  }

  /** The proof the first factor gave, now with its second factor, for the door. */
  proofOf(challenge: TakenChallenge, secondFactor: SecondFactor): SignInProof {
    switch (challenge.firstFactor as AuthenticationFactor) {
      case AuthenticationFactor.PASSWORD:
        return { kind: 'password', verifiedHash: challenge.verifiedPasswordHash!, secondFactor };
      case AuthenticationFactor.IDENTITY_PROVIDER:
        return {
          kind: 'identity-provider',
          providerId: challenge.identityProvider!,
          newAccount: challenge.newAccount,
          secondFactor,
        };
      case AuthenticationFactor.EMAIL_LINK:
        return {
          kind: 'password-reset',
          emailTokenHash: challenge.emailTokenHash!,
          newPasswordHash: challenge.newPasswordHash!,
          secondFactor,
        };
      default:
        throw new Error(`A challenge with an unknown first factor: ${challenge.firstFactor}`);
    }
  }

  /** Reclaims up to `limit` lapsed challenges; how many. */
  deleteExpired(limit: number): Promise<number> {
    return this.challenges.deleteExpired(limit);
  }
}

export function firstFactorOf(proof: SignInProof): AuthenticationFactor {
  switch (proof.kind) {
    case 'sign-up':
    case 'password':
      return AuthenticationFactor.PASSWORD;
    case 'identity-provider':
      return AuthenticationFactor.IDENTITY_PROVIDER;
    case 'password-reset':
      return AuthenticationFactor.EMAIL_LINK;
    case 'passkey':
      return AuthenticationFactor.PASSKEY;
  }
}

function unknownChallenge(): InputValidationError {
  return new InputValidationError({
    challenge: ['This sign-in has expired or was already completed: sign in again.'],
  });
}
