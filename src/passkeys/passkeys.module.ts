import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { DoorsModule } from '../doors/doors.module.js';
import { SecurityLogModule } from '../security-log/security-log.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebAuthnModule } from '../webauthn/webauthn.module.js';
import { PasskeySignInService } from './passkey-sign-in.service.js';
import { PasskeysResolver } from './passkeys.resolver.js';
import { PasskeysService } from './passkeys.service.js';
import { UserPasskeysFieldsResolver } from './user-passkeys-fields.resolver.js';

/**
 * Passkeys (docs/passkeys.md): a sign-in on their own, a second factor (the
 * two-factor room checks them) and a step-up proof. Adding and removing them
 * here; the WebAuthn ceremonies and storage are in webauthn/.
 */
@Module({
  imports: [UsersModule, SessionsModule, SecurityLogModule, DoorsModule, AuthModule, WebAuthnModule],
  providers: [PasskeysService, PasskeySignInService, PasskeysResolver, UserPasskeysFieldsResolver],
})
export class PasskeysModule {}
