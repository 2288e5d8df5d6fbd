import { Field, InputType } from '@nestjs/graphql';

import { EmailField, NewPasswordField } from './credentials.js';

@InputType()
export class SignUpInput {
  @Field()
  @EmailField()
  email!: string;

  @Field()
  @NewPasswordField()
  password!: string;
}
