import { Field, ID, ObjectType } from '@nestjs/graphql';

import { ApproximateLocationModel } from '../geoip/approximate-location.model.js';
import { AuthenticationFactor } from './authentication-factor.js';
import { SignInMethod } from './sign-in-method.js';

@ObjectType('Session')
export class Session {
  @Field(() => ID, { description: 'Opaque id; never the token, never enough to act as the session.' })
  id!: string;

  @Field()
  createdAt!: Date;

  @Field()
  lastActiveAt!: Date;

  @Field()
  expiresAt!: Date;

  @Field(() => String, { nullable: true })
  ipAddress!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => ApproximateLocationModel, {
    nullable: true,
    description: "Where the session's latest address appears to be.",
  })
  location!: ApproximateLocationModel | null;

  @Field(() => String, {
    nullable: true,
    description: "Browser name and major version parsed from the user agent, e.g. 'Chrome 131'.",
  })
  browser!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Operating system parsed from the user agent, e.g. 'macOS'.",
  })
  os!: string | null;

  @Field({ description: 'True for the session that made this request.' })
  current!: boolean;

  @Field({ description: "When this session last proved its user's identity." })
  authenticatedAt!: Date;

  // sudoExpiresAt: SessionSudoResolver, from authenticatedAt and the configured window.

  @Field(() => SignInMethod, { description: 'How this session was signed in.' })
  signInMethod!: SignInMethod;

  @Field(() => String, {
    nullable: true,
    description: "The identity provider's id when signInMethod is OIDC.",
  })
  identityProvider!: string | null;

  @Field(() => [AuthenticationFactor], {
    description: 'The factors this session proved when it was created.',
  })
  authenticationFactors!: AuthenticationFactor[];
}
