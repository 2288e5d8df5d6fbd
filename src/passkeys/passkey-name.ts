import { InputValidationError } from '../common/errors.js';

export const PASSKEY_NAME_MAX_LENGTH = 64;

// Control characters would break the mail's lines and the list's layout.
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** The name as stored: trimmed, 1–64 characters, no control characters; BAD_USER_INPUT on `name` otherwise. */
export function passkeyNameOf(given: string): string {
  const name = given.trim();
  if (name.length === 0 || name.length > PASSKEY_NAME_MAX_LENGTH || CONTROL_CHARACTERS.test(name))
    throw new InputValidationError({
      name: [`A passkey's name is 1 to ${PASSKEY_NAME_MAX_LENGTH} characters, on one line.`],
    });
  return name;
}
