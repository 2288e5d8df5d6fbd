import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('IdentityProvider')
export class IdentityProvider {
  @Field(() => ID, { description: "The id used in /auth/oidc/<id>, e.g. 'google'." })
  id!: string;

  @Field({ description: 'A name to show on a sign-in button.' })
  name!: string;
}

@ObjectType('LinkedIdentity')
export class LinkedIdentity {
  @Field(() => ID)
  id!: string;

  @Field(() => IdentityProvider)
  provider!: IdentityProvider;

  @Field(() => String, { nullable: true, description: 'The email the provider reported, if any.' })
  email!: string | null;

  @Field()
  linkedAt!: Date;
}
