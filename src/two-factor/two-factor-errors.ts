import { InputValidationError } from '../common/errors.js';

/** A missing, wrong, reused or expired code: one answer for all of them (never UNAUTHENTICATED). */
export function wrongCode(message = 'This code is not right, or was already used.'): InputValidationError {
  return new InputValidationError({ code: [message] });
}

export function twoFactorNotOn(): InputValidationError {
  return new InputValidationError({ code: ['Two-factor authentication is not on for this account.'] });
}
