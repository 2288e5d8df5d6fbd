import { randomUUID } from 'node:crypto';

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
    expect(first.hash).toEqual(hashSessionSecret(first.secret));
    expect(first.hash.toString('hex')).not.toContain(Buffer.from(first.secret).toString('hex'));
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
