import { Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';

import { ForbiddenError, NotAuthenticatedError } from '../common/errors.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { toSessionModel } from '../sessions/session.mapper.js';
import { Session } from '../sessions/session.model.js';
import type { AuthContext } from '../sessions/session.types.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { User } from '../users/user.model.js';
import { RequestAuthenticator } from './request-authenticator.js';

/**
 * The session fields of `User`. They resolve wherever a `User` appears, and
 * guards do not run on field resolvers, so each field checks for itself that
 * the user it describes is the one asking.
 */
@Resolver(() => User)
export class UserSessionFieldsResolver {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    // Not `sessions`: that name is the `User.sessions` field below.
    private readonly sessionsService: SessionsService,
  ) {}

  @ResolveField(() => Int, {
    description: 'Sessions of this user that have not expired, the requesting one included.',
  })
  async activeSessionCount(@Parent() user: User, @Context() { req, res }: GraphqlContext): Promise<number> {
    const auth = await this.authenticator.authenticate(req, res);
    assertOwnUser(auth, user);
    // Not memoised: a mutation's payload counts after its write. Every count
    // asked for in the same turn (this response's, other requests') shares one statement.
    return this.sessionsService.countActive(user.id);
  }

  // Another user's sessions would reveal where and on what they sign in (IPs,
  // devices), so asking for them is an error, like the count.
  @ResolveField(() => [Session], {
    description: 'Sessions of this user that have not expired, most recently active first.',
  })
  async sessions(@Parent() user: User, @Context() { req, res }: GraphqlContext): Promise<Session[]> {
    const auth = await this.authenticator.authenticate(req, res);
    assertOwnUser(auth, user);
    const sessions = await this.sessionsService.listActive(user.id);
    return sessions.map((session) => toSessionModel(session, auth.session.id));
  }
}

function assertOwnUser(auth: AuthContext | null, user: User): asserts auth is AuthContext {
  if (!auth) throw new NotAuthenticatedError();
  if (auth.user.id !== user.id) throw new ForbiddenError('You may only read your own sessions.');
}
