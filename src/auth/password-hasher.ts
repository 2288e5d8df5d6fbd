import { Injectable } from '@nestjs/common';
import { hash, type Options, verify } from '@node-rs/argon2';

/**
 * Argon2id with OWASP's first recommended profile (19 MiB, 2 passes, 1 lane).
 * `Algorithm` is a `const enum` in @node-rs/argon2's typings; 2 is Argon2id.
 */
const ARGON2ID_OPTIONS: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

@Injectable()
export class PasswordHasher {
  // Verified against when the email is unknown, so that a sign-in for a missing
  // account costs the same time as one with a wrong password.
  private readonly decoyHash = hash('decoy password for unknown accounts', ARGON2ID_OPTIONS);

  hash(password: string): Promise<string> {
    return hash(password, ARGON2ID_OPTIONS);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password);
  }

  /** Spends the time of a verification (a real one, through `verify`) and always fails. */
  async verifyDecoy(password: string): Promise<false> {
    await this.verify(await this.decoyHash, password);
    return false;
  }
}
