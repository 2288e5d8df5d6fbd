import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

import { ApproximateLocationModel } from '../geoip/approximate-location.model.js';
import { SignInMethod } from '../sessions/sign-in-method.js';
import { SecurityEventType } from './security-event-type.js';

@ObjectType('SecurityEvent')
export class SecurityEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => SecurityEventType)
  type!: SecurityEventType;

  @Field()
  occurredAt!: Date;

  @Field(() => String, { nullable: true, description: 'The address the request came from.' })
  ipAddress!: string | null;

  @Field(() => ApproximateLocationModel, {
    nullable: true,
    description: 'Where the request that caused the event appeared to come from.',
  })
  location!: ApproximateLocationModel | null;

  @Field(() => String, { nullable: true })
  browser!: string | null;

  @Field(() => String, { nullable: true })
  os!: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The session the event concerns (the new one for SIGNED_IN, the ended one for SESSION_REVOKED); it may no longer exist.',
  })
  sessionId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The session that made the request, when there was one.' })
  actorSessionId!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'How many sessions the event ended, for events that end sessions.',
  })
  endedSessionCount!: number | null;

  @Field(() => SignInMethod, {
    nullable: true,
    description:
      'How the new session began, for SIGNED_UP, SIGNED_IN and PASSWORD_RESET (null on events recorded before it was kept).',
  })
  signInMethod!: SignInMethod | null;
}

@ObjectType('PageInfo')
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('SecurityEventEdge')
export class SecurityEventEdge {
  @Field()
  cursor!: string;

  @Field(() => SecurityEvent)
  node!: SecurityEvent;
}

@ObjectType('SecurityEventConnection')
export class SecurityEventConnection {
  @Field(() => [SecurityEventEdge])
  edges!: SecurityEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
