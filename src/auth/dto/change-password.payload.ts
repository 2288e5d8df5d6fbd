import { Field, Int, ObjectType } from '@nestjs/graphql';

import { User } from '../../users/user.model.js';

@ObjectType()
export class ChangePasswordPayload {
  @Field(() => Int, {
    description: "How many of the user's other sessions were ended (0 when asked to keep them).",
  })
  signedOutCount!: number;

  @Field(() => User)
  user!: User;
}
