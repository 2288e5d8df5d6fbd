import { Field, InputType } from '@nestjs/graphql';
import { IsString, MaxLength, MinLength } from 'class-validator';

import { PASSWORD_MAX_LENGTH } from './credentials.js';

@InputType()
export class ReauthenticateInput {
  // Only what keeps huge input away from Argon2; whether it is right is the service's question.
  @Field()
  @IsString()
  @MinLength(1, { message: 'Password is required.' })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters.` })
  password!: string;
}
