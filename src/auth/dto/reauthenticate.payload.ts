import { Field, ObjectType } from '@nestjs/graphql';

import { Session } from '../../sessions/session.model.js';

@ObjectType()
export class ReauthenticatePayload {
  @Field(() => Session, {
    description: 'The requesting session, with its new authenticatedAt and sudoExpiresAt.',
  })
  session!: Session;
}
