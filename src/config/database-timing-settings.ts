import { Transform } from 'class-transformer';
import { IsInt, Min } from 'class-validator';

import { PositiveInteger, toInteger } from './env-values.js';

/**
 * How long the service waits for PostgreSQL: to connect, for a statement, and
 * at start for a database that is not up yet: one section of the configuration.
 */
export class DatabaseTimingEnvironmentVariables {
  @PositiveInteger('DATABASE_CONNECT_TIMEOUT_MS', ' number of milliseconds')
  DATABASE_CONNECT_TIMEOUT_MS = 5_000;

  @PositiveInteger('DATABASE_STATEMENT_TIMEOUT_MS', ' number of milliseconds')
  DATABASE_STATEMENT_TIMEOUT_MS = 10_000;

  /** Tries after a failed first connection at start, before giving up; 0: give up at once. */
  @Transform(toInteger)
  @IsInt({ message: 'DATABASE_CONNECT_RETRIES must be a whole number, 0 or more' })
  @Min(0, { message: 'DATABASE_CONNECT_RETRIES must be a whole number, 0 or more' })
  DATABASE_CONNECT_RETRIES = 9;

  @PositiveInteger('DATABASE_CONNECT_RETRY_DELAY_MS', ' number of milliseconds')
  DATABASE_CONNECT_RETRY_DELAY_MS = 3_000;
}
