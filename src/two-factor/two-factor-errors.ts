import { InputValidationError } from '../common/errors.js';
import { SecondFactorMethod } from '../sessions/authentication-factor.js';
import { refusedPasskey } from '../webauthn/passkey-errors.js';

/** A missing, wrong, reused or expired code: one answer for all of them (never UNAUTHENTICATED). */
export function wrongCode(message = 'This code is not right, or was already used.'): InputValidationError {
  return new InputValidationError({ code: [message] });
}

/** The refusal of a second factor, on the field the method is answered in. */
export function refusedAnswer(method: SecondFactorMethod): InputValidationError {
  return method === SecondFactorMethod.PASSKEY ? refusedPasskey() : wrongCode();
}

export function passkeysKeepTwoFactorOn(): InputValidationError {
  return new InputValidationError(
    {},
    'Your passkeys are a second factor too: remove them first to turn two-factor authentication off.',
  );
}

export function twoFactorNotOn(): InputValidationError {
  return new InputValidationError({ code: ['Two-factor authentication is not on for this account.'] });
}
