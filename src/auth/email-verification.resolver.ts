import { UseGuards } from '@nestjs/common';
import { Args, Context, Mutation, Parent, Resolver } from '@nestjs/graphql';

import type { GraphqlContext } from '../graphql/graphql-context.js';
import { bySignedInUser } from '../rate-limit/rate-limit-account.js';
import { RateLimited } from '../rate-limit/rate-limited.decorator.js';
import { toUserModel } from '../users/user.mapper.js';
import { User } from '../users/user.model.js';
import type { UserAccount } from '../users/user-account.js';
import { clientInfoOf } from './client-info.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { OwnUserField } from './decorators/own-user-field.decorator.js';
import { EmailVerificationService } from './email-verification.service.js';
import { SessionGuard } from './guards/session.guard.js';

@Resolver(() => User)
export class EmailVerificationResolver {
  constructor(private readonly verification: EmailVerificationService) {}

  @OwnUserField(() => Boolean, {
    description: 'Whether the address was confirmed through the link sent to it.',
    // verifyEmail answers with it, to whoever opened the link (signed in there or not).
    readableWithEmailLink: true,
  })
  emailVerified(@Parent() user: User): Promise<boolean> {
    return this.verification.isVerified(user.id);
  }

  @Mutation(() => Boolean, { description: "Email a new confirmation link to the signed-in user's address." })
  @RateLimited(bySignedInUser)
  @UseGuards(SessionGuard)
  async requestEmailVerification(@CurrentUser() user: UserAccount): Promise<boolean> {
    await this.verification.resend(user);
    return true;
  }

  @Mutation(() => User, { description: 'Confirm the address with the secret from the emailed link.' })
  @RateLimited(() => null)
  async verifyEmail(@Args('token') token: string, @Context() { req }: GraphqlContext): Promise<User> {
    const user = await this.verification.verify(token, clientInfoOf(req));
    req.emailLinkUserId = user.id;
    return toUserModel(user);
  }
}
