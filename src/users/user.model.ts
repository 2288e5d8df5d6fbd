import { Field, ID, ObjectType } from '@nestjs/graphql';

/**
 * The public face of an account. The session fields (`activeSessionCount`, …)
 * are resolved by the auth module, which alone knows who is asking.
 */
@ObjectType('User')
export class User {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field()
  createdAt!: Date;
}
