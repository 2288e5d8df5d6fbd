import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';

import { ForbiddenError, NotAuthenticatedError } from '../common/errors.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { toSecurityEventConnection } from '../security-log/security-event.mapper.js';
import { SecurityEventConnection } from '../security-log/security-event.model.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import { User } from '../users/user.model.js';
import { RequestAuthenticator } from './request-authenticator.js';

/**
 * `User.securityEvents`. Like the session fields, it resolves wherever a
 * `User` appears and guards do not run on field resolvers: it checks for
 * itself that the user it describes is the one asking.
 */
@Resolver(() => User)
export class UserSecurityEventsResolver {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly securityLog: SecurityLogService,
  ) {}

  @ResolveField(() => SecurityEventConnection, {
    description: "The account's security activity, newest first. first: 1 to 100.",
  })
  async securityEvents(
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Parent() user: User,
    @Context() { req }: GraphqlContext,
  ): Promise<SecurityEventConnection> {
    const auth = await this.authenticator.authenticate(req);
    if (!auth) throw new NotAuthenticatedError();
    // Where and on what the user signs in, and when it failed: the user's own business.
    if (auth.user.id !== user.id) throw new ForbiddenError('You may only read your own security activity.');
    const page = await this.securityLog.page(user.id, first ?? 20, after ?? null);
    return toSecurityEventConnection(page);
  }
}
