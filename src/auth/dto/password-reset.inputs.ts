import { Field, InputType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';

import { EmailField, NewPasswordField } from './credentials.js';

@InputType()
export class RequestPasswordResetInput {
  @Field()
  @EmailField()
  email!: string;
}

@InputType()
export class ResetPasswordInput {
  // Its shape is the service's question: any wrong token is BAD_USER_INPUT on `token`.
  @Field({ description: 'The secret from the emailed link.' })
  @IsString()
  @MaxLength(200)
  token!: string;

  @Field()
  @NewPasswordField()
  newPassword!: string;
}
