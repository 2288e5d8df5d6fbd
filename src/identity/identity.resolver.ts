import { UseGuards } from '@nestjs/common';
import { Args, Context, ID, Mutation, Parent, Query, Resolver } from '@nestjs/graphql';

import { clientInfoOf } from '../auth/client-info.js';
import { CurrentSession } from '../auth/decorators/current-session.decorator.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { OwnUserField } from '../auth/decorators/own-user-field.decorator.js';
import { SessionGuard } from '../auth/guards/session.guard.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import type { AuthenticatedSession } from '../sessions/session.types.js';
import { toUserModel } from '../users/user.mapper.js';
import { User } from '../users/user.model.js';
import type { UserAccount } from '../users/user-account.js';
import { IdentityProvider, LinkedIdentity } from './identity.model.js';
import { IdentityAccountsService } from './identity-accounts.service.js';
import { IdentityProviders } from './identity-providers.js';

@Resolver(() => User)
export class IdentityResolver {
  constructor(
    private readonly providers: IdentityProviders,
    private readonly accounts: IdentityAccountsService,
  ) {}

  @Query(() => [IdentityProvider], {
    description: 'Identity providers this server is configured with (empty when none).',
  })
  identityProviders(): IdentityProvider[] {
    return this.providers.list().map(({ settings }) => ({ id: settings.id, name: settings.name }));
  }

  @OwnUserField(() => Boolean, {
    description: 'False for accounts that only sign in through an identity provider.',
  })
  hasPassword(@Parent() user: User): Promise<boolean> {
    return this.accounts.hasPassword(user.id);
  }

  @OwnUserField(() => [LinkedIdentity])
  async identities(@Parent() user: User): Promise<LinkedIdentity[]> {
    const names = new Map(this.providers.list().map(({ settings }) => [settings.id, settings.name]));
    return (await this.accounts.list(user.id)).map((identity) => ({
      id: identity.id,
      // A provider removed from OIDC_PROVIDERS keeps its links; its id stands in for its name.
      provider: { id: identity.provider, name: names.get(identity.provider) ?? identity.provider },
      email: identity.email,
      linkedAt: identity.linkedAt,
    }));
  }

  @Mutation(() => User, {
    description:
      "Remove a linked identity (needs sudo). Refused with BAD_USER_INPUT when it is the account's only way to sign in.",
  })
  @UseGuards(SessionGuard)
  async unlinkIdentity(
    @Args('id', { type: () => ID }) id: string,
    @CurrentUser() user: UserAccount,
    @CurrentSession() session: AuthenticatedSession,
    @Context() { req }: GraphqlContext,
  ): Promise<User> {
    await this.accounts.unlink({ user, session }, id, clientInfoOf(req));
    return toUserModel(user);
  }

  /** Field resolvers run without the guard: each checks that the user shown is the one asking. */
}
