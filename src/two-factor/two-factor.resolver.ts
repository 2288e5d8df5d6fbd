import { UseGuards } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';

import { AuthResolver } from '../auth/auth.resolver.js';
import { ChallengeCookie } from '../auth/challenge-cookie.js';
import { clientInfoOf } from '../auth/client-info.js';
import { CurrentSession } from '../auth/decorators/current-session.decorator.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { AuthPayload } from '../auth/dto/auth.payload.js';
import { ReauthenticatePayload } from '../auth/dto/reauthenticate.payload.js';
import { SessionGuard } from '../auth/guards/session.guard.js';
import { InputValidationError } from '../common/errors.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { bySignedInUser } from '../rate-limit/rate-limit-account.js';
import { RateLimited } from '../rate-limit/rate-limited.decorator.js';
import { toSessionModel } from '../sessions/session.mapper.js';
import type { AuthenticatedSession } from '../sessions/session.types.js';
import { toUserModel } from '../users/user.mapper.js';
import { User } from '../users/user.model.js';
import type { UserAccount } from '../users/user-account.js';
import { CompleteSignInService } from './complete-sign-in.service.js';
import {
  CompleteSignInInput,
  SecondFactorInput,
  TotpEnrollment,
  TwoFactorEnabledPayload,
} from './dto/two-factor.types.js';
import { TwoFactorService } from './two-factor.service.js';

@Resolver()
export class TwoFactorResolver {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly completion: CompleteSignInService,
    private readonly auth: AuthResolver,
    private readonly challengeCookie: ChallengeCookie,
  ) {}

  @Mutation(() => TotpEnrollment, {
    description:
      'Begin adding an authenticator app. Needs a proof of identity given after sign-in and within CREDENTIAL_CHANGE_MAX_AGE_SECONDS (else REAUTHENTICATION_REQUIRED). A second call replaces an unconfirmed enrollment.',
  })
  @UseGuards(SessionGuard)
  startTotpEnrollment(
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
  ): Promise<TotpEnrollment> {
    return this.twoFactor.startEnrollment({ user, session });
  }

  @Mutation(() => TwoFactorEnabledPayload, {
    description:
      'Confirm the app with a current code: two-factor is on, recovery codes are returned once, the other sessions end.',
  })
  // Per signed-in user: a stolen session must not become a way to guess codes.
  @RateLimited(bySignedInUser)
  @UseGuards(SessionGuard)
  async confirmTotpEnrollment(
    @Args('code') code: string,
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req }: GraphqlContext,
  ): Promise<TwoFactorEnabledPayload> {
    const enabled = await this.twoFactor.confirmEnrollment({ user, session }, code, clientInfoOf(req));
    return { ...enabled, user: toUserModel(user) };
  }

  @Mutation(() => User, {
    description: 'Turn two-factor off (needs sudo, and a current second factor in the call).',
  })
  @RateLimited(bySignedInUser)
  @UseGuards(SessionGuard)
  async disableTwoFactor(
    @Args('input') input: SecondFactorInput,
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req }: GraphqlContext,
  ): Promise<User> {
    await this.twoFactor.disable({ user, session }, input, clientInfoOf(req));
    return toUserModel(user);
  }

  @Mutation(() => [String], {
    description: 'Ten new recovery codes; the old ones stop working (needs sudo).',
  })
  @UseGuards(SessionGuard)
  regenerateRecoveryCodes(
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req }: GraphqlContext,
  ): Promise<string[]> {
    return this.twoFactor.regenerateRecoveryCodes({ user, session }, clientInfoOf(req));
  }

  @Mutation(() => AuthPayload, {
    description: 'Finish a sign-in (or a password reset) that answered SECOND_FACTOR_REQUIRED.',
  })
  // Per client network; each challenge also ends after five wrong codes, and opening one needs the first factor.
  @RateLimited(() => null)
  async completeSignIn(
    @Args('input') input: CompleteSignInInput,
    @Context() context: GraphqlContext,
  ): Promise<AuthPayload> {
    const challenge = input.challenge ?? this.challengeCookie.read(context.req);
    if (!challenge)
      throw new InputValidationError({ challenge: ['Sign in first: no sign-in is waiting for a code.'] });
    const outcome = await this.completion.complete(challenge, input, clientInfoOf(context.req));
    return this.auth.answerSignIn(context, outcome);
  }

  @Mutation(() => ReauthenticatePayload, {
    description: 'Open the sudo window with a second factor instead of the password.',
  })
  @RateLimited(bySignedInUser)
  @UseGuards(SessionGuard)
  async reauthenticateWithSecondFactor(
    @Args('input') input: SecondFactorInput,
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req }: GraphqlContext,
  ): Promise<ReauthenticatePayload> {
    const renewed = await this.twoFactor.reauthenticate({ user, session }, input, clientInfoOf(req));
    return { session: toSessionModel(renewed, session.id) };
  }
}
