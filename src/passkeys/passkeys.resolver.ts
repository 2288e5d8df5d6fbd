import { UseGuards } from '@nestjs/common';
import { Args, Context, ID, Mutation, Resolver } from '@nestjs/graphql';

import { AuthResolver } from '../auth/auth.resolver.js';
import { clientInfoOf } from '../auth/client-info.js';
import { CurrentSession } from '../auth/decorators/current-session.decorator.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { AuthPayload } from '../auth/dto/auth.payload.js';
import { SessionGuard } from '../auth/guards/session.guard.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { bySignedInUser } from '../rate-limit/rate-limit-account.js';
import { RateLimited } from '../rate-limit/rate-limited.decorator.js';
import type { AuthenticatedSession } from '../sessions/session.types.js';
import { toUserModel } from '../users/user.mapper.js';
import { User } from '../users/user.model.js';
import type { UserAccount } from '../users/user-account.js';
import type { PasskeySummary } from '../webauthn/passkeys.repository.js';
import {
  FinishPasskeyRegistrationInput,
  Passkey,
  PasskeyOptions,
  PasskeySignInInput,
} from './dto/passkey.types.js';
import { PasskeySignInService } from './passkey-sign-in.service.js';
import { PasskeysService } from './passkeys.service.js';

@Resolver()
export class PasskeysResolver {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly passkeySignIn: PasskeySignInService,
    private readonly auth: AuthResolver,
  ) {}

  @Mutation(() => PasskeyOptions, {
    description:
      'Options for a sign-in with a passkey, no email asked (discoverable credentials). Needs no session.',
  })
  // Per client network: each call stores a challenge, and needs no account.
  @RateLimited(() => null)
  startPasskeySignIn(): Promise<PasskeyOptions> {
    return this.passkeySignIn.start();
  }

  @Mutation(() => AuthPayload, { description: 'Sign in with a passkey: a new managed session, like signIn.' })
  @RateLimited(() => null)
  async signInWithPasskey(
    @Args('input') input: PasskeySignInInput,
    @Context() context: GraphqlContext,
  ): Promise<AuthPayload> {
    const outcome = await this.passkeySignIn.signIn(input.responseJson, clientInfoOf(context.req));
    return this.auth.answerSignIn(context, outcome);
  }

  @Mutation(() => PasskeyOptions, {
    description:
      'Options to create a passkey for the signed-in account. Needs a proof of identity given after sign-in and within CREDENTIAL_CHANGE_MAX_AGE_SECONDS (else REAUTHENTICATION_REQUIRED).',
  })
  @RateLimited(bySignedInUser)
  @UseGuards(SessionGuard)
  startPasskeyRegistration(
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
  ): Promise<PasskeyOptions> {
    return this.passkeys.startRegistration({ user, session });
  }

  @Mutation(() => Passkey, { description: 'Store the passkey the browser created.' })
  @RateLimited(bySignedInUser)
  @UseGuards(SessionGuard)
  async finishPasskeyRegistration(
    @Args('input') input: FinishPasskeyRegistrationInput,
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req }: GraphqlContext,
  ): Promise<Passkey> {
    return toPasskeyModel(
      await this.passkeys.finishRegistration({ user, session }, input, clientInfoOf(req)),
    );
  }

  @Mutation(() => Passkey, { description: 'Rename a passkey of the signed-in account.' })
  @UseGuards(SessionGuard)
  async renamePasskey(
    @Args('id', { type: () => ID }) id: string,
    @Args('name') name: string,
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
  ): Promise<Passkey> {
    return toPasskeyModel(await this.passkeys.rename({ user, session }, id, name));
  }

  @Mutation(() => User, {
    description:
      "Remove a passkey (needs sudo). Refused with BAD_USER_INPUT when it is the account's only way to sign in.",
  })
  @UseGuards(SessionGuard)
  async removePasskey(
    @Args('id', { type: () => ID }) id: string,
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req }: GraphqlContext,
  ): Promise<User> {
    await this.passkeys.remove({ user, session }, id, clientInfoOf(req));
    return toUserModel(user);
  }
}

export function toPasskeyModel(passkey: PasskeySummary): Passkey {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: passkey.createdAt,
    lastUsedAt: passkey.lastUsedAt,
    synced: passkey.backupEligible && passkey.backedUp,
  };
}
