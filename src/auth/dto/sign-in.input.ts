import { Field, InputType } from '@nestjs/graphql';
import { IsString, MaxLength, MinLength } from 'class-validator';

import { EmailField, PASSWORD_MAX_LENGTH } from './credentials.js';

@InputType()
export class SignInInput {
  @Field()
  @EmailField()
  email!: string;

  // Only the upper bound: a password that sign-up could never have accepted is
  // simply wrong, and must fail like any wrong password (UNAUTHENTICATED).
  @Field()
  @IsString()
  @MinLength(1, { message: 'Password is required.' })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters.` })
  password!: string;
}
