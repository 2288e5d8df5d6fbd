import { Parent, Resolver } from '@nestjs/graphql';

import { OwnUserField } from '../auth/decorators/own-user-field.decorator.js';
import { User } from '../users/user.model.js';
import { Passkey } from './dto/passkey.types.js';
import { toPasskeyModel } from './passkeys.resolver.js';
import { PasskeysService } from './passkeys.service.js';

/** `User.passkeys`: only the user themself reads them. */
@Resolver(() => User)
export class UserPasskeysFieldsResolver {
  constructor(private readonly service: PasskeysService) {}

  @OwnUserField(() => [Passkey], { description: "The account's passkeys, oldest first." })
  async passkeys(@Parent() user: User): Promise<Passkey[]> {
    return (await this.service.list([user.id])).map(toPasskeyModel);
  }
}
