import { Context, Int, Parent, Resolver } from '@nestjs/graphql';

import type { GraphqlContext } from '../graphql/graphql-context.js';
import { toSessionModel } from '../sessions/session.mapper.js';
import { Session } from '../sessions/session.model.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { User } from '../users/user.model.js';
import { OwnUserField } from './decorators/own-user-field.decorator.js';
import { RequestAuthenticator } from './request-authenticator.js';

/**
 * The session fields of `User`. They resolve wherever a `User` appears;
 * OwnUserField lets only the user themself read them.
 */
@Resolver(() => User)
export class UserSessionFieldsResolver {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    // Not `sessions`: that name is the `User.sessions` field below.
    private readonly sessionsService: SessionsService,
  ) {}

  @OwnUserField(() => Int, {
    description: 'Sessions of this user that have not expired, the requesting one included.',
  })
  activeSessionCount(@Parent() user: User): Promise<number> {
    // Not memoised: a mutation's payload counts after its write. Every count
    // asked for in the same turn (this response's, other requests') shares one statement.
    return this.sessionsService.countActive(user.id);
  }

  // Another user's sessions would reveal where and on what they sign in (IPs,
  // devices): OwnUserField refuses them, like the count.
  @OwnUserField(() => [Session], {
    description: 'Sessions of this user that have not expired, most recently active first.',
  })
  async sessions(@Parent() user: User, @Context() { req, res }: GraphqlContext): Promise<Session[]> {
    // The guard proved the request; this is its cached AuthContext, for `current`.
    const auth = (await this.authenticator.authenticate(req, res))!;
    const sessions = await this.sessionsService.listActive(user.id);
    return sessions.map((session) => toSessionModel(session, auth.session.id));
  }
}
