import { registerEnumType } from '@nestjs/graphql';

/** How a session was signed in; stored in `sessions.sign_in_method`. */
export enum SignInMethod {
  PASSWORD = 'password',
  OIDC = 'oidc',
  PASSWORD_RESET = 'password_reset',
  PASSKEY = 'passkey',
}

registerEnumType(SignInMethod, { name: 'SignInMethod' });
