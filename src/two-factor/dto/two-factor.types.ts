import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';

import { SecondFactorMethod } from '../../sessions/authentication-factor.js';
import { User } from '../../users/user.model.js';

// Room for a recovery code typed with spaces; whether it is right is the service's question.
const CODE_MAX_LENGTH = 64;
// `<uuid>.<43 characters>`, with room to spare.
const CHALLENGE_MAX_LENGTH = 128;

@ObjectType()
export class TotpEnrollment {
  @Field({ description: 'The shared secret in base32, for typing into an app by hand.' })
  secret!: string;

  @Field({ description: 'The otpauth:// URI that authenticator apps read from a QR code.' })
  otpauthUri!: string;

  @Field({ description: 'A QR code of otpauthUri, as an SVG document.' })
  qrCodeSvg!: string;
}

@ObjectType()
export class TwoFactorEnabledPayload {
  @Field(() => [String], {
    description: 'Ten single-use recovery codes. Shown only here: the server keeps only their hashes.',
  })
  recoveryCodes!: string[];

  @Field(() => Int, {
    description: 'How many other sessions were ended (they had signed in with one factor).',
  })
  signedOutCount!: number;

  @Field(() => User)
  user!: User;
}

@InputType()
export class SecondFactorInput {
  @Field(() => SecondFactorMethod)
  @IsEnum(SecondFactorMethod)
  method!: SecondFactorMethod;

  @Field(() => String, { nullable: true, description: 'The six digits for TOTP, or a recovery code.' })
  @IsOptional()
  @IsString()
  @MaxLength(CODE_MAX_LENGTH, { message: 'This code is not right, or was already used.' })
  code?: string | null;

  // No length rule here: an answer too long to be real is refused on `response` like any that does not verify.
  @Field(() => String, {
    nullable: true,
    description: 'For method PASSKEY: AuthenticationResponseJSON, as a string (code is ignored).',
  })
  @IsOptional()
  @IsString()
  responseJson?: string | null;
}

@InputType()
export class CompleteSignInInput {
  @Field(() => String, {
    nullable: true,
    description: 'From SECOND_FACTOR_REQUIRED; may be left out when the browser sends the challenge cookie.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(CHALLENGE_MAX_LENGTH, {
    message: 'This sign-in has expired or was already completed: sign in again.',
  })
  challenge?: string | null;

  @Field(() => SecondFactorMethod)
  @IsEnum(SecondFactorMethod)
  method!: SecondFactorMethod;

  @Field(() => String, { nullable: true, description: 'The six digits for TOTP, or a recovery code.' })
  @IsOptional()
  @IsString()
  @MaxLength(CODE_MAX_LENGTH, { message: 'This code is not right, or was already used.' })
  code?: string | null;

  // No length rule here: an answer too long to be real is refused on `response` like any that does not verify.
  @Field(() => String, {
    nullable: true,
    description: 'For method PASSKEY: AuthenticationResponseJSON, as a string (code is ignored).',
  })
  @IsOptional()
  @IsString()
  responseJson?: string | null;
}
