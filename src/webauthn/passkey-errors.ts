import { InputValidationError } from '../common/errors.js';

/** A passkey's answer that did not verify: BAD_USER_INPUT on `response`, as the contract says. */
export function refusedPasskey(
  message = 'This passkey could not be verified, or its request lapsed: try again.',
): InputValidationError {
  return new InputValidationError({ response: [message] });
}
