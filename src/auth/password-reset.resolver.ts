import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';

import type { GraphqlContext } from '../graphql/graphql-context.js';
import { RateLimited } from '../rate-limit/rate-limited.decorator.js';
import { AuthResolver } from './auth.resolver.js';
import { clientInfoOf } from './client-info.js';
import { AuthPayload } from './dto/auth.payload.js';
import { RequestPasswordResetInput, ResetPasswordInput } from './dto/password-reset.inputs.js';
import { PasswordResetService } from './password-reset.service.js';
import { UnrecognizedSignInService } from './unrecognized-sign-in.service.js';

@Resolver()
export class PasswordResetResolver {
  constructor(
    private readonly resets: PasswordResetService,
    private readonly auth: AuthResolver,
    private readonly unrecognized: UnrecognizedSignInService,
  ) {}

  @Mutation(() => Boolean, {
    description:
      'Email a reset link if the address belongs to an account. Always true, in the same time either way: the answer never tells whether it does.',
  })
  // Per client network and per (network, address): byInputEmail.
  @RateLimited()
  requestPasswordReset(
    @Args('input') input: RequestPasswordResetInput,
    @Context() { req }: GraphqlContext,
  ): boolean {
    this.resets.request(input.email, clientInfoOf(req));
    return true;
  }

  @Mutation(() => AuthPayload, {
    description:
      'Set a new password from an emailed link: ends every session of the account and signs in a new one. On a two-factor account it answers SECOND_FACTOR_REQUIRED and changes nothing until completeSignIn.',
  })
  @RateLimited(() => null)
  async resetPassword(
    @Args('input') input: ResetPasswordInput,
    @Context() context: GraphqlContext,
  ): Promise<AuthPayload> {
    const outcome = await this.resets.reset(input.token, input.newPassword, clientInfoOf(context.req));
    return this.auth.answerSignIn(context, outcome);
  }

  @Mutation(() => Boolean, {
    description:
      "From the new-sign-in email's 'This wasn't me' link: ends every session of the account, invalidates its password and emails a reset link. Needs no session.",
  })
  @RateLimited(() => null)
  async reportUnrecognizedSignIn(
    @Args('token') token: string,
    @Context() { req }: GraphqlContext,
  ): Promise<boolean> {
    await this.unrecognized.report(token, clientInfoOf(req));
    return true;
  }
}
