import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';

import { EMAIL_MAX_LENGTH, WITHOUT_INVISIBLE_CHARACTERS } from '../../users/email-address.js';
import { normalizeEmail } from '../../users/normalize-email.js';
import { passwordWeakness } from '../password-strength.js';

const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const normalizeEmailInput = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? normalizeEmail(value) : value;

/** Email field rules shared by sign-up and sign-in. */
export function EmailField(): PropertyDecorator {
  return (target, key) => {
    Transform(normalizeEmailInput)(target, key);
    MaxLength(EMAIL_MAX_LENGTH, { message: `Email must be at most ${EMAIL_MAX_LENGTH} characters.` })(
      target,
      key,
    );
    IsEmail({}, { message: 'Email must be a valid email address.' })(target, key);
    Matches(WITHOUT_INVISIBLE_CHARACTERS, {
      message: 'Email must not contain invisible or control characters.',
    })(target, key);
  };
}

// The judgement of each input object, for the message that follows a failed check: weak
// passwords are not estimated twice, and nothing outlives the request's input.
const judged = new WeakMap<object, string | undefined>();

/**
 * Why a new password is too easy to guess; nothing when another rule already
 * refuses it (length, only spaces), so each mistake is reported once.
 */
function weaknessOf(value: unknown, input: object | undefined): string | undefined {
  if (typeof value !== 'string' || value.length < PASSWORD_MIN_LENGTH || value.length > PASSWORD_MAX_LENGTH)
    return undefined;
  if (!/\S/.test(value)) return undefined;
  if (input && judged.has(input)) return judged.get(input);
  const email = (input as { email?: unknown } | undefined)?.email;
  const weakness = passwordWeakness(value, typeof email === 'string' ? email : undefined);
  if (input) judged.set(input, weakness);
  return weakness;
}

/**
 * Password length rules. The upper bound keeps a 10 MB "password" from
 * reaching Argon2; 128 is far past any passphrase a person types.
 */
export function NewPasswordField(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    MinLength(PASSWORD_MIN_LENGTH, {
      message: `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`,
    })(target, key);
    MaxLength(PASSWORD_MAX_LENGTH, {
      message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`,
    })(target, key);
    // Eight spaces pass a length check and protect nothing.
    Matches(/\S/, { message: 'Password must not be only spaces.' })(target, key);
    // Common and breached passwords and their variants, repeats and sequences, and words anyone
    // knows of this account (sign-up's email; changePassword and resetPassword add the account's).
    ValidateBy({
      name: 'isHardToGuess',
      validator: {
        validate: (value: unknown, args) => weaknessOf(value, args?.object) === undefined,
        defaultMessage: (args) => weaknessOf(args?.value, args?.object) ?? '',
      },
    })(target, key);
  };
}
