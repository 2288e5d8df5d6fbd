import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

import { isUuid } from '../common/uuid.js';

/**
 * Session tokens are `<session id>.<secret>`: the id finds the row through the
 * primary key, the secret proves possession. Only SHA-256(secret) is stored.
 * A plain hash (not a slow KDF) is right here: the secret is 256 random bits,
 * so there is nothing to brute-force, and it is checked on every request.
 */
const SECRET_BYTES = 32;
// 32 bytes in unpadded base64url are exactly 43 characters.
const SECRET = /^[A-Za-z0-9_-]{43}$/;

interface SessionSecret {
  /** Goes to the client inside the token; never stored. */
  readonly secret: string;
  /** Stored in `sessions.secret_hash`. */
  readonly hash: Buffer;
}

interface ParsedSessionToken {
  readonly sessionId: string;
  readonly secret: string;
}

export function createSessionSecret(): SessionSecret {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { secret, hash: hashSessionSecret(secret) };
}

export function hashSessionSecret(secret: string): Buffer {
  // One-shot crypto.hash (Node 20.12+): no Hash object per request.
  return hash('sha256', secret, 'buffer');
}

export function formatSessionToken(sessionId: string, secret: string): string {
  return `${sessionId}.${secret}`;
}

/** Anything that is not exactly the shape we issue is "no token", never an error. */
export function parseSessionToken(token: string): ParsedSessionToken | null {
  const separator = token.indexOf('.');
  if (separator < 0) return null;
  const sessionId = token.slice(0, separator);
  const secret = token.slice(separator + 1);
  // Checking the id's shape here keeps malformed input away from the uuid cast in SQL.
  if (!isUuid(sessionId) || !SECRET.test(secret)) return null;
  return { sessionId: sessionId.toLowerCase(), secret };
}

/** Whether `id` has the shape of a session id (a uuid), so it may reach SQL's uuid cast. */
export function isSessionId(id: string): boolean {
  return isUuid(id);
}

/** Constant-time, so response timing says nothing about how much of a guess was right. */
export function sessionSecretMatches(secret: string, storedHash: Buffer): boolean {
  const candidate = hashSessionSecret(secret);
  return candidate.length === storedHash.length && timingSafeEqual(candidate, storedHash);
}
