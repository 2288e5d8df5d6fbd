import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';

import { PASSKEY_NAME_MAX_LENGTH } from '../passkey-name.js';

@ObjectType('Passkey')
export class Passkey {
  @Field(() => ID)
  id!: string;

  @Field({
    description: "A name the user chose, or one derived from the authenticator (e.g. 'iCloud Keychain').",
  })
  name!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field({
    description: 'True when the credential is synced between devices (backup eligible and backed up).',
  })
  synced!: boolean;
}

@ObjectType('PasskeyOptions')
export class PasskeyOptions {
  @Field({ description: 'Options for navigator.credentials.create() or .get(), as a JSON string.' })
  optionsJson!: string;

  @Field({ description: 'When these options (and their challenge) lapse.' })
  expiresAt!: Date;
}

// No length rule on the responses: one too long to be real is refused on `response` like any that does not verify.
@InputType()
export class FinishPasskeyRegistrationInput {
  @Field({ description: 'RegistrationResponseJSON from the browser, as a string.' })
  @IsString()
  responseJson!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(PASSKEY_NAME_MAX_LENGTH, { message: `A name is at most ${PASSKEY_NAME_MAX_LENGTH} characters.` })
  name?: string | null;
}

@InputType()
export class PasskeySignInInput {
  @Field({ description: 'AuthenticationResponseJSON from the browser, as a string.' })
  @IsString()
  responseJson!: string;
}
