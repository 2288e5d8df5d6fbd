import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { DoorsModule } from '../doors/doors.module.js';
import { DEPENDENCY_STATUS } from '../health/dependency-status.js';
import { SecurityLogModule } from '../security-log/security-log.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { IdentityController } from './identity.controller.js';
import { IdentityResolver } from './identity.resolver.js';
import { IdentityAccountsService } from './identity-accounts.service.js';
import { IdentityProviders } from './identity-providers.js';
import { IdentitySignInService } from './identity-sign-in.service.js';
import { OidcFlow } from './oidc-flow.js';

/** Sign-in through OpenID Connect providers (passport + openid-client), into ordinary managed sessions. */
@Module({
  imports: [UsersModule, SessionsModule, SecurityLogModule, AuthModule, DoorsModule],
  controllers: [IdentityController],
  providers: [
    IdentityProviders,
    OidcFlow,
    IdentitySignInService,
    IdentityAccountsService,
    IdentityResolver,
    { provide: DEPENDENCY_STATUS, useExisting: IdentityProviders },
  ],
  exports: [IdentityProviders, DEPENDENCY_STATUS],
})
export class IdentityModule {}
