import { Field, InputType } from '@nestjs/graphql';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

import { NewPasswordField, PASSWORD_MAX_LENGTH } from './credentials.js';

@InputType()
export class ChangePasswordInput {
  // Like sign-in's password: only what keeps huge input away from Argon2.
  // Whether it is right is the service's question (BAD_USER_INPUT on this field).
  @Field()
  @IsString()
  @MinLength(1, { message: 'Current password is required.' })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters.` })
  currentPassword!: string;

  @Field()
  @NewPasswordField()
  newPassword!: string;

  // A changed password usually means "someone else may know the old one", so
  // the safe choice is the default; an explicit null is read as that default.
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'End every other session of the user as well (default true).',
  })
  @IsOptional()
  @IsBoolean()
  signOutOtherSessions?: boolean | null;
}
