import { Module } from '@nestjs/common';

import { PasskeyCeremonies } from './passkey-ceremonies.js';
import { PasskeysRepository } from './passkeys.repository.js';

/**
 * Passkeys' storage and WebAuthn ceremonies, below every room that offers a
 * passkey: the sign-in door (second factor), step-up (REAUTHENTICATION_REQUIRED
 * carries options) and the passkeys room (docs/passkeys.md).
 */
@Module({
  providers: [PasskeysRepository, PasskeyCeremonies],
  exports: [PasskeysRepository, PasskeyCeremonies],
})
export class WebAuthnModule {}
