import { Module } from '@nestjs/common';

import { MailModule } from '../mail/mail.module.js';
import { SecurityLogModule } from '../security-log/security-log.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebAuthnModule } from '../webauthn/webauthn.module.js';
import { ChallengeCleanupJob } from './challenge-cleanup.job.js';
import { IdentitiesRepository } from './identities.repository.js';
import { KnownDevicesRepository } from './known-devices.repository.js';
import { NewDeviceAlertService } from './new-device-alerts.js';
import { SecondFactorsRepository } from './second-factors.repository.js';
import { SignInChallenges } from './sign-in-challenges.js';
import { SignInChallengesRepository } from './sign-in-challenges.repository.js';
import { SignInDoor } from './sign-in-door.js';
import { SignInMethodAlerts } from './sign-in-method-alerts.js';
import { SignOutDoor } from './sign-out-door.js';

/** One door in and one door out: the rules every session's start and end get (docs/architecture.md). */
@Module({
  imports: [UsersModule, SessionsModule, SecurityLogModule, MailModule, WebAuthnModule],
  providers: [
    SignInDoor,
    SignOutDoor,
    NewDeviceAlertService,
    KnownDevicesRepository,
    SignInMethodAlerts,
    IdentitiesRepository,
    SignInChallenges,
    SignInChallengesRepository,
    SecondFactorsRepository,
    ChallengeCleanupJob,
  ],
  // The linked identities are ways in: the provider room reads and links them, "This wasn't me" removes them.
  // Pending sign-ins are completed by the two-factor room, which hands them back to the door.
  exports: [
    SignInDoor,
    SignOutDoor,
    SignInMethodAlerts,
    IdentitiesRepository,
    SignInChallenges,
    SecondFactorsRepository,
  ],
})
export class DoorsModule {}
