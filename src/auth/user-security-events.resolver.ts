import { Args, Int, Parent, Resolver } from '@nestjs/graphql';

import { toSecurityEventConnection } from '../security-log/security-event.mapper.js';
import { SecurityEventConnection } from '../security-log/security-event.model.js';
import { SecurityLogService } from '../security-log/security-log.service.js';
import { User } from '../users/user.model.js';
import { OwnUserField } from './decorators/own-user-field.decorator.js';

/**
 * `User.securityEvents`: where and on what the user signs in, and when it
 * failed. Like the session fields, only the user themself reads it (OwnUserField).
 */
@Resolver(() => User)
export class UserSecurityEventsResolver {
  constructor(private readonly securityLog: SecurityLogService) {}

  @OwnUserField(() => SecurityEventConnection, {
    description: "The account's security activity, newest first. first: 1 to 100.",
  })
  async securityEvents(
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Parent() user: User,
  ): Promise<SecurityEventConnection> {
    const page = await this.securityLog.page(user.id, first ?? 20, after ?? null);
    return toSecurityEventConnection(page);
  }
}
