import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DoorsModule } from '../doors/doors.module.js';
import { SecurityLogModule } from '../security-log/security-log.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebAuthnModule } from '../webauthn/webauthn.module.js';
import { CompleteSignInService } from './complete-sign-in.service.js';
import { encryptionKeyOf } from './encryption-key.js';
import { SecondFactorCheck } from './second-factor-check.js';
import { SecretBox } from './secret-box.js';
import { TwoFactorResolver } from './two-factor.resolver.js';
import { TwoFactorService } from './two-factor.service.js';
import { UserTwoFactorFieldsResolver } from './user-two-factor-fields.resolver.js';

/** Two-factor authentication: an authenticator app and recovery codes (docs/two-factor.md). */
@Module({
  imports: [UsersModule, SessionsModule, SecurityLogModule, DoorsModule, AuthModule, WebAuthnModule],
  providers: [
    {
      provide: SecretBox,
      useFactory: async (config: AppConfig) =>
        new SecretBox(await encryptionKeyOf(config.twoFactor.encryptionKey, config.dataDir)),
      inject: [APP_CONFIG],
    },
    SecondFactorCheck,
    TwoFactorService,
    CompleteSignInService,
    TwoFactorResolver,
    UserTwoFactorFieldsResolver,
  ],
})
export class TwoFactorModule {}
