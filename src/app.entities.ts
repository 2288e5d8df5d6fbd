import { KnownDeviceEntity } from './doors/known-device.entity.js';
import { RecoveryCodeEntity } from './doors/recovery-code.entity.js';
import { SignInChallengeEntity } from './doors/sign-in-challenge.entity.js';
import { TotpFactorEntity } from './doors/totp-factor.entity.js';
import { UserIdentityEntity } from './identity/user-identity.entity.js';
import { EmailTokenEntity } from './mail/email-token.entity.js';
import { OutboxMailEntity } from './mail/outbox-mail.entity.js';
import { RateLimitCounterEntity } from './rate-limit/rate-limit-counter.entity.js';
import { SecurityEventEntity } from './security-log/security-event.entity.js';
import { SessionEntity } from './sessions/session.entity.js';
import { UserEntity } from './users/user.entity.js';
import { PasskeyEntity } from './webauthn/passkey.entity.js';
import { PasskeyChallengeEntity } from './webauthn/passkey-challenge.entity.js';

/**
 * Every table the app maps, given to the DataSource by its callers (the app
 * module, ormconfig.ts, the test database server) so that database/ needs to
 * know no feature. The migrations, not these classes, create the schema; a
 * test fails when the two disagree.
 */
export const APP_ENTITIES = [
  UserEntity,
  SessionEntity,
  RateLimitCounterEntity,
  SecurityEventEntity,
  UserIdentityEntity,
  EmailTokenEntity,
  OutboxMailEntity,
  KnownDeviceEntity,
  TotpFactorEntity,
  RecoveryCodeEntity,
  SignInChallengeEntity,
  PasskeyEntity,
  PasskeyChallengeEntity,
];
