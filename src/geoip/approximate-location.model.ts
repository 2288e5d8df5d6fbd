import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('ApproximateLocation')
export class ApproximateLocationModel {
  @Field(() => String, { nullable: true, description: "e.g. 'London'" })
  city!: string | null;

  @Field(() => String, { nullable: true, description: "e.g. 'England'" })
  region!: string | null;

  @Field(() => String, { nullable: true, description: "e.g. 'United Kingdom'" })
  country!: string | null;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2, e.g. 'GB'" })
  countryCode!: string | null;
}
