import { UseGuards } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';

import type { GraphqlContext } from '../graphql/graphql-context.js';
import { bySignedInUser } from '../rate-limit/rate-limit-account.js';
import { RateLimited } from '../rate-limit/rate-limited.decorator.js';
import { toSessionModel } from '../sessions/session.mapper.js';
import type { AuthenticatedSession } from '../sessions/session.types.js';
import type { UserAccount } from '../users/user-account.js';
import { clientInfoOf } from './client-info.js';
import { CurrentSession } from './decorators/current-session.decorator.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { ReauthenticateInput } from './dto/reauthenticate.input.js';
import { ReauthenticatePayload } from './dto/reauthenticate.payload.js';
import { SessionGuard } from './guards/session.guard.js';
import { ReauthenticationService } from './reauthentication.service.js';

@Resolver()
export class StepUpResolver {
  constructor(private readonly reauthentication: ReauthenticationService) {}

  @Mutation(() => ReauthenticatePayload, {
    description: "Prove the user's identity again: opens the sudo window of the requesting session.",
  })
  // Counts per signed-in user (and per client network), as changePassword does:
  // a stolen session must not become a way to guess the password.
  @RateLimited(bySignedInUser)
  @UseGuards(SessionGuard)
  async reauthenticate(
    @Args('input') input: ReauthenticateInput,
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req }: GraphqlContext,
  ): Promise<ReauthenticatePayload> {
    const renewed = await this.reauthentication.reauthenticate(
      { user, session },
      input.password,
      clientInfoOf(req),
    );
    return { session: toSessionModel(renewed, session.id) };
  }
}
