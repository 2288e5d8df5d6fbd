import { registerEnumType } from '@nestjs/graphql';

/** What happened; stored as its name in `security_events.type`. */
export enum SecurityEventType {
  SIGNED_UP = 'SIGNED_UP',
  SIGNED_IN = 'SIGNED_IN',
  SIGN_IN_FAILED = 'SIGN_IN_FAILED',
  SIGNED_OUT = 'SIGNED_OUT',
  SESSION_REVOKED = 'SESSION_REVOKED',
  OTHER_SESSIONS_SIGNED_OUT = 'OTHER_SESSIONS_SIGNED_OUT',
  PASSWORD_CHANGED = 'PASSWORD_CHANGED',
  REAUTHENTICATED = 'REAUTHENTICATED',
  REAUTHENTICATION_FAILED = 'REAUTHENTICATION_FAILED',
  IDENTITY_LINKED = 'IDENTITY_LINKED',
  IDENTITY_UNLINKED = 'IDENTITY_UNLINKED',
}

registerEnumType(SecurityEventType, { name: 'SecurityEventType' });
