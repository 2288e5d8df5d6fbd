import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';

const NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type NodeEnvironment = (typeof NODE_ENVIRONMENTS)[number];

const THIRTY_DAYS_IN_SECONDS = 30 * 24 * 60 * 60;

const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;

/**
 * The environment variables the service reads, with their defaults.
 * Validated once at start; the rest of the code reads the typed `AppConfig`.
 */
class EnvironmentVariables {
  @IsIn(NODE_ENVIRONMENTS, { message: `NODE_ENV must be one of ${NODE_ENVIRONMENTS.join(', ')}` })
  NODE_ENV: NodeEnvironment = 'development';

  @Transform(toInteger)
  @IsInt({ message: 'PORT must be an integer' })
  @Min(0, { message: 'PORT must be between 0 and 65535' })
  @Max(65535, { message: 'PORT must be between 0 and 65535' })
  PORT = 3000;

  @IsOptional()
  @IsString()
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR = '.data';

  @Transform(toInteger)
  @IsInt({ message: 'SESSION_TTL_SECONDS must be a positive integer number of seconds' })
  @Min(1, { message: 'SESSION_TTL_SECONDS must be a positive integer number of seconds' })
  SESSION_TTL_SECONDS = THIRTY_DAYS_IN_SECONDS;
}

export interface AppConfig {
  readonly environment: NodeEnvironment;
  readonly isProduction: boolean;
  readonly port: number;
  /** Unset: an embedded PostgreSQL is started under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly sessionTtlSeconds: number;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Reads and validates the environment, failing with every bad variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Unset and empty variables take their defaults, as they would in a shell script.
  const defined = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const variables = plainToInstance(EnvironmentVariables, defined);
  const errors = validateSync(variables, { whitelist: false });
  if (errors.length > 0) {
    throw new ConfigValidationError(
      errors.flatMap((error) =>
        Object.values(error.constraints ?? {}).map(
          (message) => `${message} (got ${JSON.stringify(error.value)})`,
        ),
      ),
    );
  }
  return {
    environment: variables.NODE_ENV,
    isProduction: variables.NODE_ENV === 'production',
    port: variables.PORT,
    databaseUrl: variables.DATABASE_URL,
    dataDir: variables.DATA_DIR,
    sessionTtlSeconds: variables.SESSION_TTL_SECONDS,
  };
}
