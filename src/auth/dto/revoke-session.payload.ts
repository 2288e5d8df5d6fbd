import { Field, ID, ObjectType } from '@nestjs/graphql';

import { User } from '../../users/user.model.js';

@ObjectType()
export class RevokeSessionPayload {
  @Field(() => ID)
  revokedSessionId!: string;

  @Field(() => User)
  user!: User;
}
