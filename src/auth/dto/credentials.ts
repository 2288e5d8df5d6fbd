import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';

import { EMAIL_MAX_LENGTH, WITHOUT_INVISIBLE_CHARACTERS } from '../../users/email-address.js';
import { normalizeEmail } from '../../users/normalize-email.js';
import { isCommonPassword } from '../common-passwords.js';

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
    ValidateBy(
      {
        name: 'isNotCommonPassword',
        validator: { validate: (value: unknown) => typeof value !== 'string' || !isCommonPassword(value) },
      },
      {
        message:
          'Password is one of the most common passwords, which attackers try first. Choose another, e.g. a few unrelated words.',
      },
    )(target, key);
  };
}
