import { isEmail } from 'class-validator';

import { normalizeEmail } from './normalize-email.js';

// RFC 5321 caps a forward path at 256 octets including the angle brackets.
export const EMAIL_MAX_LENGTH = 254;

// Control and format characters (NUL, bidi overrides, zero-width joiners) are
// invisible: an address holding them can be shown as someone else's.
// Internationalised addresses (zoë@exämple.com) stay valid.
export const WITHOUT_INVISIBLE_CHARACTERS = /^[^\p{Cc}\p{Cf}]*$/u;

/**
 * The one rule of what an account's address may be, whoever typed it: sign-up
 * (through the DTO's decorators, which share these constants) and an identity
 * provider's `email` claim. The normalised address, or `null` when it is not a
 * single valid address (a list, a CR/LF, a trailing dot, over 254 characters).
 */
export function acceptableEmail(raw: string): string | null {
  const email = normalizeEmail(raw);
  if (email.length > EMAIL_MAX_LENGTH || !WITHOUT_INVISIBLE_CHARACTERS.test(email)) return null;
  return isEmail(email) ? email : null;
}
