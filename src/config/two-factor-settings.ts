import { IsOptional, IsString, MaxLength } from 'class-validator';

import { DurationInSeconds } from './env-values.js';

/** Two-factor authentication (docs/two-factor.md). */
export interface TwoFactorSettings {
  /** How long a pending sign-in (SECOND_FACTOR_REQUIRED) waits for its second factor. */
  readonly challengeSeconds: number;
  /** The name authenticator apps show next to the account. */
  readonly totpIssuer: string;
  /**
   * The AES-256 key sealing authenticator secrets; `null` outside production
   * when unset: one is generated once under DATA_DIR (src/two-factor/encryption-key.ts).
   */
  readonly encryptionKey: Buffer | null;
}

// 32 bytes as 64 hex digits, or as base64 (43 or 44 characters, padded or not, either alphabet).
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** The two-factor environment variables, with their defaults: one section of the configuration. */
export class TwoFactorVariables {
  @DurationInSeconds('TWO_FACTOR_CHALLENGE_SECONDS')
  TWO_FACTOR_CHALLENGE_SECONDS = 300;

  @IsString()
  @MaxLength(64, { message: 'TOTP_ISSUER must be at most 64 characters' })
  TOTP_ISSUER = 'Sessions';

  @IsOptional()
  @IsString()
  TWO_FACTOR_ENCRYPTION_KEY?: string;
}

/** Reads a 32-byte key written as hex or base64; `null` when it is neither. */
export function parseEncryptionKey(text: string): Buffer | null {
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_KEY.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === 32 ? key : null;
  }
  return null;
}

/** The settings, or the problems that keep them from making sense together. */
export function twoFactorSettingsOf(
  variables: TwoFactorVariables,
  isProduction: boolean,
): TwoFactorSettings | { problems: string[] } {
  const given = variables.TWO_FACTOR_ENCRYPTION_KEY;
  const key = given === undefined ? null : parseEncryptionKey(given);
  if (given !== undefined && key === null)
    return {
      problems: [
        'TWO_FACTOR_ENCRYPTION_KEY must be 32 random bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)',
      ],
    };
  // A key made on the machine and lost with it would turn every authenticator app off: production names its own.
  if (isProduction && key === null)
    return {
      problems: [
        'TWO_FACTOR_ENCRYPTION_KEY is required when NODE_ENV=production (e.g. `openssl rand -hex 32`; keep it with your secrets, not in the database)',
      ],
    };
  return {
    challengeSeconds: variables.TWO_FACTOR_CHALLENGE_SECONDS,
    totpIssuer: variables.TOTP_ISSUER,
    encryptionKey: key,
  };
}
