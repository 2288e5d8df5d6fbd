import { Field, Int, ObjectType } from '@nestjs/graphql';

import { User } from '../../users/user.model.js';

@ObjectType()
export class SignOutOtherSessionsPayload {
  @Field(() => Int, { description: "How many of the user's other sessions were ended." })
  signedOutCount!: number;

  @Field(() => User, {
    description: 'The user afterwards, so a client cache can update activeSessionCount without a refetch.',
  })
  user!: User;
}
