import { Injectable } from '@nestjs/common';

import { InputValidationError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { Transaction } from '../database/transaction.js';
import { createSessionSecret, hashSessionSecret } from '../sessions/session-token.js';
import { EmailTokenRepository } from './email-token.repository.js';
import { EmailTokenPurpose } from './email-token-purpose.js';

// 32 random bytes in unpadded base64url, as session secrets: anything else is unknown without a query.
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * The single-use secrets of emailed links. Made like session secrets (256
 * random bits, only SHA-256 stored: nothing to brute-force, so no slow KDF),
 * found by their hash, spent by one UPDATE.
 */
@Injectable()
export class EmailTokensService {
  constructor(
    private readonly tokens: EmailTokenRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** A new secret for the link; only its hash is stored, in `transaction`. */
  async issue(userId: string, purpose: EmailTokenPurpose, transaction: Transaction): Promise<string> {
    const { secret, hash } = createSessionSecret();
    await this.tokens.insert(userId, purpose, hash, this.ttlOf(purpose), transaction);
    return secret;
  }

  /**
   * Spends the secret and returns its user. Used, expired, unknown, malformed
   * or of another purpose: one answer, BAD_USER_INPUT on `token`.
   */
  async consume(secret: string, purpose: EmailTokenPurpose, transaction: Transaction): Promise<string> {
    return (await this.consumeLink(secret, purpose, transaction)).userId;
  }

  /** As `consume`, with when the link was mailed ("This wasn't me" undoes what was added since). */
  async consumeLink(
    secret: string,
    purpose: EmailTokenPurpose,
    transaction: Transaction,
  ): Promise<{ userId: string; issuedAt: Date }> {
    const link = SECRET.test(secret)
      ? await this.tokens.consume(hashSessionSecret(secret), purpose, transaction)
      : null;
    if (!link) throw invalidLink();
    return link;
  }

  /**
   * The user a live link names and the hash to spend it by later
   * (`consumeHash`), spending nothing; one answer for every bad link, as `consume`.
   */
  async peek(
    secret: string,
    purpose: EmailTokenPurpose,
    transaction: Transaction,
  ): Promise<{ userId: string; secretHash: Buffer }> {
    const secretHash = SECRET.test(secret) ? hashSessionSecret(secret) : null;
    const userId = secretHash ? await this.tokens.holder(secretHash, purpose, transaction) : null;
    if (!userId || !secretHash) throw invalidLink();
    return { userId, secretHash };
  }

  /** Spends a link found by `peek`; its user. The same answer as `consume` when it was spent meanwhile. */
  async consumeHash(
    secretHash: Buffer,
    purpose: EmailTokenPurpose,
    transaction: Transaction,
  ): Promise<string> {
    const link = await this.tokens.consume(secretHash, purpose, transaction);
    if (!link) throw invalidLink();
    return link.userId;
  }

  /** Every outstanding link of this purpose stops working. */
  spendAll(userId: string, purpose: EmailTokenPurpose, transaction: Transaction): Promise<void> {
    return this.tokens.spendAll(userId, purpose, transaction);
  }

  private ttlOf(purpose: EmailTokenPurpose): number {
    const { mail } = this.config;
    if (purpose === EmailTokenPurpose.RESET) return mail.resetTokenTtlSeconds;
    if (purpose === EmailTokenPurpose.VERIFY) return mail.verificationTokenTtlSeconds;
    return mail.alertTokenTtlSeconds;
  }
}

function invalidLink(): InputValidationError {
  return new InputValidationError({ token: ['This link is invalid or has expired.'] });
}
