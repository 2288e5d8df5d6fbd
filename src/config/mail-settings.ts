import { IsOptional, IsString, Matches } from 'class-validator';

import { DAY_IN_SECONDS, DurationInSeconds, PositiveInteger } from './env-values.js';

/** Outgoing mail (docs/email.md): where it goes, from whom, and how long its links work. */
export interface MailSettings {
  /** nodemailer's SMTP transport URL; null outside production: .eml files under DATA_DIR/mail/. */
  readonly smtpUrl: string | null;
  /** The From address; required with SMTP_URL. */
  readonly from: string;
  readonly resetTokenTtlSeconds: number;
  readonly verificationTokenTtlSeconds: number;
  readonly alertTokenTtlSeconds: number;
  /** How often the delivery job looks at the outbox. */
  readonly deliveryIntervalMs: number;
  /** Attempts per mail before it is given up (kept in the table, with its last error). */
  readonly maxAttempts: number;
}

const DEV_FROM = 'Sessions <no-reply@localhost>';

/** Outgoing mail's environment variables: one section of the configuration. */
export class MailEnvironmentVariables {
  @IsOptional()
  @Matches(/^smtps?:\/\//, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  MAIL_FROM?: string;

  @DurationInSeconds('EMAIL_TOKEN_TTL_SECONDS')
  EMAIL_TOKEN_TTL_SECONDS = 60 * 60;

  @DurationInSeconds('EMAIL_VERIFICATION_TOKEN_TTL_SECONDS')
  EMAIL_VERIFICATION_TOKEN_TTL_SECONDS = DAY_IN_SECONDS;

  @DurationInSeconds('EMAIL_ALERT_TOKEN_TTL_SECONDS')
  EMAIL_ALERT_TOKEN_TTL_SECONDS = 7 * DAY_IN_SECONDS;

  @PositiveInteger('MAIL_DELIVERY_INTERVAL_MS', ' number of milliseconds')
  MAIL_DELIVERY_INTERVAL_MS = 1_000;

  @PositiveInteger('MAIL_MAX_ATTEMPTS', '')
  MAIL_MAX_ATTEMPTS = 10;
}

/** The settings, or the problems that keep them from making sense together. */
export function mailSettingsOf(
  variables: MailEnvironmentVariables,
  isProduction: boolean,
): MailSettings | { problems: string[] } {
  const problems: string[] = [];
  if (isProduction && !variables.SMTP_URL) problems.push('SMTP_URL is required in production');
  if (variables.SMTP_URL && !variables.MAIL_FROM) problems.push('MAIL_FROM is required when SMTP_URL is set');
  if (problems.length > 0) return { problems };
  return {
    smtpUrl: variables.SMTP_URL ?? null,
    from: variables.MAIL_FROM ?? DEV_FROM,
    resetTokenTtlSeconds: variables.EMAIL_TOKEN_TTL_SECONDS,
    verificationTokenTtlSeconds: variables.EMAIL_VERIFICATION_TOKEN_TTL_SECONDS,
    alertTokenTtlSeconds: variables.EMAIL_ALERT_TOKEN_TTL_SECONDS,
    deliveryIntervalMs: variables.MAIL_DELIVERY_INTERVAL_MS,
    maxAttempts: variables.MAIL_MAX_ATTEMPTS,
  };
}
