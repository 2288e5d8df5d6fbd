import { registerEnumType } from '@nestjs/graphql';

/** What a session proved when it began; stored, in order, in `sessions.authentication_factors`. */
export enum AuthenticationFactor {
  PASSWORD = 'PASSWORD',
  IDENTITY_PROVIDER = 'IDENTITY_PROVIDER',
  EMAIL_LINK = 'EMAIL_LINK',
  TOTP = 'TOTP',
  RECOVERY_CODE = 'RECOVERY_CODE',
  PASSKEY = 'PASSKEY',
}

registerEnumType(AuthenticationFactor, {
  name: 'AuthenticationFactor',
  description: 'What a session proved when it was created, in order, e.g. [PASSWORD, TOTP].',
});

/** A factor that completes a pending sign-in (the contract's SecondFactorMethod). */
export enum SecondFactorMethod {
  TOTP = 'TOTP',
  RECOVERY_CODE = 'RECOVERY_CODE',
  PASSKEY = 'PASSKEY',
}

registerEnumType(SecondFactorMethod, { name: 'SecondFactorMethod' });
