import { Int, Parent, Resolver } from '@nestjs/graphql';

import { OwnUserField } from '../auth/decorators/own-user-field.decorator.js';
import { SecondFactorsRepository } from '../doors/second-factors.repository.js';
import { User } from '../users/user.model.js';

/** The two-factor fields of `User`: only the user themself reads them. */
@Resolver(() => User)
export class UserTwoFactorFieldsResolver {
  constructor(private readonly factors: SecondFactorsRepository) {}

  @OwnUserField(() => Boolean, { description: 'Whether sign-ins need a second factor.' })
  async twoFactorEnabled(@Parent() user: User): Promise<boolean> {
    return (await this.factors.twoFactorEnabled([user.id])).get(user.id) ?? false;
  }

  @OwnUserField(() => Int, { description: 'Recovery codes not used yet (0 when two-factor is off).' })
  async recoveryCodesRemaining(@Parent() user: User): Promise<number> {
    return (await this.factors.countRecoveryCodes([user.id])).get(user.id) ?? 0;
  }
}
