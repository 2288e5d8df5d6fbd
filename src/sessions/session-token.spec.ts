import { createHash, randomUUID } from 'node:crypto';

import {
  createSessionSecret,
  formatSessionToken,
  hashSessionSecret,
  parseSessionToken,
  sessionSecretMatches,
} from './session-token.js';

describe('session tokens', () => {
  it('round-trips a token it issued', () => {
    const id = randomUUID();
    const { secret } = createSessionSecret();

    expect(parseSessionToken(formatSessionToken(id, secret))).toEqual({ sessionId: id, secret });
  });

  it('issues a different 256-bit secret every time, and stores only its SHA-256', () => {
    const first = createSessionSecret();
    const second = createSessionSecret();

    expect(first.secret).not.toBe(second.secret);
    expect(Buffer.from(first.secret, 'base64url')).toHaveLength(32);
    // SHA-256 of the secret as the client holds it (its base64url text), computed here
    // independently of the code under test.
    const sha256 = createHash('sha256').update(first.secret, 'utf8').digest();
    expect(first.hash).toEqual(sha256);
    expect(hashSessionSecret(first.secret)).toEqual(sha256);
    expect(first.hash).not.toEqual(Buffer.from(first.secret, 'base64url'));
  });

  it.each([
    '',
    'no-separator',
    `${randomUUID()}`,
    `${randomUUID()}.`,
    `${randomUUID()}.short`,
    `${randomUUID()}.${'a'.repeat(44)}`,
    `${randomUUID()}.${'a'.repeat(42)}=`,
    `not-a-uuid.${'a'.repeat(43)}`,
    `${randomUUID()}'--.${'a'.repeat(43)}`,
  ])('rejects the malformed token %j', (token) => {
    expect(parseSessionToken(token)).toBeNull();
  });

  it('matches only the exact secret', () => {
    const { secret, hash } = createSessionSecret();
    const flipped = (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);

    expect(sessionSecretMatches(secret, hash)).toBe(true);
    expect(sessionSecretMatches(flipped, hash)).toBe(false);
    expect(sessionSecretMatches(secret, Buffer.alloc(0))).toBe(false);
  });
});
