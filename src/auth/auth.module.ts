import { Module } from '@nestjs/common';

import { DoorsModule } from '../doors/doors.module.js';
import { MailModule } from '../mail/mail.module.js';
import { SecurityLogModule } from '../security-log/security-log.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebAuthnModule } from '../webauthn/webauthn.module.js';
import { AuthResolver } from './auth.resolver.js';
import { AuthService } from './auth.service.js';
import { ChallengeCookie } from './challenge-cookie.js';
import { EmailVerificationResolver } from './email-verification.resolver.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordResetResolver } from './password-reset.resolver.js';
import { PasswordResetService } from './password-reset.service.js';
import { ReauthenticationService } from './reauthentication.service.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { SessionCookie } from './session-cookie.js';
import { StepUpResolver } from './step-up.resolver.js';
import { UnrecognizedSignInService } from './unrecognized-sign-in.service.js';
import { UserSecurityEventsResolver } from './user-security-events.resolver.js';
import { UserSessionFieldsResolver } from './user-session-fields.resolver.js';

/** Sign-up, sign-in and the sessions they create, as the GraphQL API sees them. */
@Module({
  imports: [UsersModule, SessionsModule, SecurityLogModule, MailModule, DoorsModule, WebAuthnModule],
  providers: [
    AuthService,
    AuthResolver,
    UserSessionFieldsResolver,
    ReauthenticationService,
    StepUpResolver,
    UserSecurityEventsResolver,
    PasswordHasher,
    PasswordResetService,
    EmailVerificationService,
    EmailVerificationResolver,
    UnrecognizedSignInService,
    PasswordResetResolver,
    RequestAuthenticator,
    SessionCookie,
    ChallengeCookie,
  ],
  // Live updates (src/live/) prove sessions the same way, and answer `User` fields through the same authenticator.
  // The provider callback and the two-factor room answer sign-ins the same way (cookies, payload).
  exports: [RequestAuthenticator, SessionCookie, PasswordHasher, ChallengeCookie, AuthResolver, AuthService],
})
export class AuthModule {}
