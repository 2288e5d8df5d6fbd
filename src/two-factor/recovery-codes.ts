import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
// No 0/o, 1/l/i: read from paper and typed back without doubt.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/** Ten new codes like `k3mp-x9qa-7dtr-e2wn` (16 characters of 31: about 79 random bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    Array.from({ length: GROUPS }, () =>
      Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
    ).join('-'),
  );
}

/**
 * What is stored of a code: SHA-256 of its letters, lowercased, without
 * dashes or spaces, so a code typed in capitals or without dashes still
 * matches. ~79 random bits need no slow hash (as session secrets).
 */
export function recoveryCodeHash(code: string): Buffer {
  const normalized = code.toLowerCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(normalized, 'utf8').digest();
}
