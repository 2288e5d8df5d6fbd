import { Module } from '@nestjs/common';

import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { PasswordHasher } from './password-hasher.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { SessionCookie } from './session-cookie.js';
import { UserSessionFieldsResolver } from './user-session-fields.resolver.js';

/** Sign-up, sign-in and the sessions they create, as the GraphQL API sees them. */
@Module({
  imports: [UsersModule, SessionsModule],
  providers: [
    AuthService,
    AuthResolver,
    UserSessionFieldsResolver,
    PasswordHasher,
    RequestAuthenticator,
    SessionCookie,
  ],
  // Live updates (src/live/) prove sessions the same way, and answer `User` fields through the same authenticator.
  exports: [RequestAuthenticator, SessionCookie],
})
export class AuthModule {}
