import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  Validate,
  ValidateIf,
} from 'class-validator';

import { readSections, withoutProblems } from './config-sections.js';
import { ConfigValidationError } from './config-validation.error.js';
import { DatabaseTimingEnvironmentVariables } from './database-timing-settings.js';
import {
  DAY_IN_SECONDS,
  DurationInSeconds,
  DurationInSecondsOrOff,
  parseTrustProxy,
  PortNumber,
  PositiveInteger,
  toBoolean,
  type TrustProxy,
  TrustProxyConstraint,
  WholeDays,
} from './env-values.js';
import { GeoIpEnvironmentVariables, type GeoIpSettings, geoIpSettingsOf } from './geoip-settings.js';
import { HttpEnvironmentVariables, type HttpSettings, httpSettingsOf } from './http-settings.js';
import { LiveEnvironmentVariables, type LiveSettings, liveSettingsOf } from './live-settings.js';
import { MailEnvironmentVariables, type MailSettings, mailSettingsOf } from './mail-settings.js';
import { OidcEnvironmentVariables, type OidcSettings, oidcSettingsOf } from './oidc-settings.js';
import { type TwoFactorSettings, twoFactorSettingsOf, TwoFactorVariables } from './two-factor-settings.js';
import { type WebAuthnSettings, webAuthnSettingsOf, WebAuthnVariables } from './webauthn-settings.js';

const NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type NodeEnvironment = (typeof NODE_ENVIRONMENTS)[number];

const DATABASE_POOLERS = ['none', 'transaction'] as const;
/** `transaction`: DATABASE_URL is a transaction-mode pooler (PgBouncer), so no session state is relied on. */
export type DatabasePooler = (typeof DATABASE_POOLERS)[number];
const POSTGRES_URL = /^postgres(ql)?:\/\//;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The environment variables the service reads, with their defaults.
 * Validated once at start; the rest of the code reads the typed `AppConfig`.
 */
class EnvironmentVariables {
  @IsIn(NODE_ENVIRONMENTS, { message: `NODE_ENV must be one of ${NODE_ENVIRONMENTS.join(', ')}` })
  NODE_ENV: NodeEnvironment = 'development';

  @PortNumber('PORT')
  PORT = 3000;

  // The embedded PostgreSQL is a convenience for a clone and the tests; in
  // production the data must live in a database someone operates and backs up.
  @ValidateIf((env: EnvironmentVariables) => env.NODE_ENV === 'production' || env.DATABASE_URL !== undefined)
  @IsDefined({
    message:
      'DATABASE_URL is required when NODE_ENV=production (the embedded PostgreSQL is for development and tests only)',
  })
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsIn(DATABASE_POOLERS, { message: `DATABASE_POOLER must be one of ${DATABASE_POOLERS.join(', ')}` })
  DATABASE_POOLER: DatabasePooler = 'none';

  /** A direct (unpooled) URL for migrations, which then run under a session-level lock. */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'DATABASE_MIGRATION_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_MIGRATION_URL?: string;

  /** LISTEN for live updates over this URL instead of DATABASE_URL: a direct one, since a transaction pooler cannot LISTEN. */
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'DATABASE_LISTEN_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_LISTEN_URL?: string;

  @IsString()
  DATA_DIR = '.data';

  /** Idle lifetime: a session unused for this long ends. Renewed by use. */
  @DurationInSeconds('SESSION_TTL_SECONDS')
  SESSION_TTL_SECONDS = 30 * DAY_IN_SECONDS;

  /** Absolute lifetime from sign-in: no renewal goes past it. */
  @DurationInSeconds('SESSION_MAX_LIFETIME_SECONDS')
  SESSION_MAX_LIFETIME_SECONDS = 90 * DAY_IN_SECONDS;

  /** At most one write of last-activity per session per this many seconds. */
  @DurationInSeconds('SESSION_TOUCH_INTERVAL_SECONDS')
  SESSION_TOUCH_INTERVAL_SECONDS = 60;

  @DurationInSeconds('SESSION_CLEANUP_INTERVAL_SECONDS')
  SESSION_CLEANUP_INTERVAL_SECONDS = 60 * 60;

  @DurationInSecondsOrOff('SUDO_MODE_SECONDS')
  SUDO_MODE_SECONDS = 600;

  @DurationInSeconds('CREDENTIAL_CHANGE_MAX_AGE_SECONDS')
  CREDENTIAL_CHANGE_MAX_AGE_SECONDS = 300;

  @WholeDays('SECURITY_EVENTS_RETENTION_DAYS')
  SECURITY_EVENTS_RETENTION_DAYS = 400;

  /** Active sessions one user may have; a sign-in beyond it ends the least recently active. */
  @PositiveInteger('SESSIONS_PER_USER_MAX', '')
  SESSIONS_PER_USER_MAX = 100;

  @Transform(({ value }: { value: unknown }) => parseTrustProxy(value))
  @Validate(TrustProxyConstraint)
  TRUST_PROXY: TrustProxy = false;

  @ValidateIf((env: EnvironmentVariables) => env.GRAPHQL_INTROSPECTION !== undefined)
  @Transform(toBoolean)
  @IsBoolean({ message: 'GRAPHQL_INTROSPECTION must be true or false' })
  GRAPHQL_INTROSPECTION?: boolean;

  @ValidateIf((env: EnvironmentVariables) => env.GRAPHQL_IDE !== undefined)
  @Transform(toBoolean)
  @IsBoolean({ message: 'GRAPHQL_IDE must be true or false' })
  GRAPHQL_IDE?: boolean;

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: LogLevel;

  @DurationInSeconds('RATE_LIMIT_WINDOW_SECONDS')
  RATE_LIMIT_WINDOW_SECONDS = 15 * 60;

  @PositiveInteger('RATE_LIMIT_PER_IP', '')
  RATE_LIMIT_PER_IP = 100;

  @PositiveInteger('RATE_LIMIT_PER_IP_AND_ACCOUNT', '')
  RATE_LIMIT_PER_IP_AND_ACCOUNT = 10;

  /** Log bytes held for a stdout that is not being read; past it, lines are dropped and counted. */
  @PositiveInteger('LOG_BUFFER_BYTES', ' number of bytes')
  LOG_BUFFER_BYTES = 4 * 1024 * 1024;

  @DurationInSeconds('SHUTDOWN_TIMEOUT_SECONDS')
  SHUTDOWN_TIMEOUT_SECONDS = 30;
}

export interface AppConfig extends HttpSettings {
  readonly environment: NodeEnvironment;
  readonly isProduction: boolean;
  readonly port: number;
  /** Unset: an embedded PostgreSQL is started under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** What sits between the service and PostgreSQL: see docs/scaling.md. */
  readonly databasePooler: DatabasePooler;
  /** Migrations over this URL instead of DATABASE_URL (a direct connection behind a pooler). */
  readonly databaseMigrationUrl: string | undefined;
  /** LISTEN (live updates) over this URL instead of DATABASE_URL; required in effect behind a transaction pooler. */
  readonly databaseListenUrl: string | undefined;
  readonly dataDir: string;
  readonly sessionTtlSeconds: number;
  readonly sessionMaxLifetimeSeconds: number;
  readonly sessionTouchIntervalSeconds: number;
  readonly sessionCleanupIntervalSeconds: number;
  /** The sudo window: ending other sessions needs a proof of identity younger than this; 0: never. */
  readonly sudoModeSeconds: number;
  /** Adding a way in needs a reauthentication (not the sign-in itself) younger than this. */
  readonly credentialChangeMaxAgeSeconds: number;
  readonly securityEventsRetentionDays: number;
  /** A sign-in beyond this many active sessions ends the user's least recently active ones. */
  readonly sessionsPerUserMax: number;
  /** Passed to Fastify's `trustProxy`: which hops may set X-Forwarded-For. */
  readonly trustProxy: TrustProxy;
  /** Lowest level written to the JSON log; `info` logs one line per request. */
  readonly logLevel: LogLevel;
  /** Schema introspection; off in production unless GRAPHQL_INTROSPECTION=true. */
  readonly graphqlIntrospection: boolean;
  /** The GraphiQL page at GET /graphql; off in production unless GRAPHQL_IDE=true. */
  readonly graphqlIde: boolean;
  /** Rate-limited mutations (signIn, signUp): attempts per window, per client IP … */
  readonly rateLimitPerIp: number;
  /** … and per (client IP, account) pair. */
  readonly rateLimitPerIpAndAccount: number;
  readonly rateLimitWindowSeconds: number;
  /** How long a new database connection may take before the request fails with SERVICE_UNAVAILABLE. */
  readonly databaseConnectTimeoutMs: number;
  /** How long one SQL statement may run (behind a transaction pooler: per transaction, and on the role). */
  readonly databaseStatementTimeoutMs: number;
  /** At start: how many more times to try a database that refused or did not answer, and how long to wait between. */
  readonly databaseConnectRetries: number;
  readonly databaseConnectRetryDelayMs: number;
  /** The most log output held in memory while stdout is not being read. */
  readonly logBufferBytes: number;
  /** After SIGTERM/SIGINT/SIGHUP: how long shutdown may take before the process exits anyway, with code 1. */
  readonly shutdownTimeoutSeconds: number;
  /** Limits of the WebSocket endpoint (LIVE_*). */
  readonly live: LiveSettings;
  /** Sign-in through OpenID Connect providers (OIDC_*); no providers: none offered. */
  readonly oidc: OidcSettings;
  /** Outgoing mail (SMTP_URL, MAIL_FROM, EMAIL_*_TTL_SECONDS). */
  readonly mail: MailSettings;
  /** Two-factor authentication (TWO_FACTOR_*, TOTP_ISSUER). */
  readonly twoFactor: TwoFactorSettings;
  /** Approximate location of client addresses (GEOIP_*). */
  readonly geoip: GeoIpSettings;
  readonly webauthn: WebAuthnSettings;
}

export { ConfigValidationError };

/**
 * The configuration's sections, each a class of its own (no chain of
 * inheritance): the core below, then one per concern, all validated against
 * the same environment and reported together.
 */
const SECTIONS = {
  core: EnvironmentVariables,
  database: DatabaseTimingEnvironmentVariables,
  http: HttpEnvironmentVariables,
  live: LiveEnvironmentVariables,
  mail: MailEnvironmentVariables,
  geoip: GeoIpEnvironmentVariables,
  oidc: OidcEnvironmentVariables,
  twoFactor: TwoFactorVariables,
  webauthn: WebAuthnVariables,
};

/** Reads and validates the environment, failing with every bad variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const sections = readSections(env, SECTIONS);
  const { core: variables, database } = sections;
  const isProduction = variables.NODE_ENV === 'production';
  // Every problem of every section at once, so one restart fixes them all.
  const [http, oidc, mail, twoFactor, webauthn] = withoutProblems(
    httpSettingsOf(sections.http, isProduction),
    oidcSettingsOf({ ...sections.oidc, PUBLIC_API_URL: sections.http.PUBLIC_API_URL }, isProduction),
    mailSettingsOf(sections.mail, isProduction),
    twoFactorSettingsOf(sections.twoFactor, isProduction),
    webAuthnSettingsOf(sections.webauthn, sections.http, isProduction),
  );
  return {
    environment: variables.NODE_ENV,
    isProduction,
    port: variables.PORT,
    databaseUrl: variables.DATABASE_URL,
    databasePooler: variables.DATABASE_POOLER,
    databaseMigrationUrl: variables.DATABASE_MIGRATION_URL,
    databaseListenUrl: variables.DATABASE_LISTEN_URL,
    dataDir: variables.DATA_DIR,
    sessionTtlSeconds: variables.SESSION_TTL_SECONDS,
    sessionMaxLifetimeSeconds: variables.SESSION_MAX_LIFETIME_SECONDS,
    sessionTouchIntervalSeconds: variables.SESSION_TOUCH_INTERVAL_SECONDS,
    sessionCleanupIntervalSeconds: variables.SESSION_CLEANUP_INTERVAL_SECONDS,
    sudoModeSeconds: variables.SUDO_MODE_SECONDS,
    credentialChangeMaxAgeSeconds: variables.CREDENTIAL_CHANGE_MAX_AGE_SECONDS,
    securityEventsRetentionDays: variables.SECURITY_EVENTS_RETENTION_DAYS,
    sessionsPerUserMax: variables.SESSIONS_PER_USER_MAX,
    trustProxy: variables.TRUST_PROXY,
    // Tests keep quiet unless something goes wrong (or a test captures the log).
    logLevel: variables.LOG_LEVEL ?? (variables.NODE_ENV === 'test' ? 'warn' : 'info'),
    graphqlIntrospection: variables.GRAPHQL_INTROSPECTION ?? variables.NODE_ENV !== 'production',
    graphqlIde: variables.GRAPHQL_IDE ?? variables.NODE_ENV !== 'production',
    rateLimitPerIp: variables.RATE_LIMIT_PER_IP,
    rateLimitPerIpAndAccount: variables.RATE_LIMIT_PER_IP_AND_ACCOUNT,
    rateLimitWindowSeconds: variables.RATE_LIMIT_WINDOW_SECONDS,
    databaseConnectTimeoutMs: database.DATABASE_CONNECT_TIMEOUT_MS,
    databaseStatementTimeoutMs: database.DATABASE_STATEMENT_TIMEOUT_MS,
    databaseConnectRetries: database.DATABASE_CONNECT_RETRIES,
    databaseConnectRetryDelayMs: database.DATABASE_CONNECT_RETRY_DELAY_MS,
    logBufferBytes: variables.LOG_BUFFER_BYTES,
    shutdownTimeoutSeconds: variables.SHUTDOWN_TIMEOUT_SECONDS,
    ...http,
    live: liveSettingsOf(sections.live),
    oidc,
    mail,
    twoFactor,
    geoip: geoIpSettingsOf(sections.geoip),
    webauthn,
  };
}
