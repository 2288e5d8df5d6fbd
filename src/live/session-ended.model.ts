import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

import { SessionEndReason } from '../sessions/session-events.js';

registerEnumType(SessionEndReason, {
  name: 'SessionEndReason',
  valuesMap: {
    SIGNED_OUT: { description: 'The session signed itself out.' },
    REVOKED: { description: 'Another session of the user revoked it (revokeSession).' },
    SIGNED_OUT_BY_OTHER_SESSION: {
      description: 'Another session of the user ended all others (signOutOtherSessions).',
    },
    PASSWORD_CHANGED: { description: 'The password was changed from another session.' },
    EXPIRED: { description: 'Idle timeout or absolute lifetime reached.' },
  },
});

@ObjectType('SessionEnded')
export class SessionEnded {
  @Field(() => ID)
  sessionId!: string;

  @Field(() => SessionEndReason)
  reason!: SessionEndReason;
}
