import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { RateLimitCounterEntity } from '../rate-limit/rate-limit-counter.entity.js';
import { SessionEntity } from '../sessions/session.entity.js';
import { UserEntity } from '../users/user.entity.js';

export const ENTITIES = [UserEntity, SessionEntity, RateLimitCounterEntity];

/**
 * The one description of the database connection, shared by the Nest app and
 * by `ormconfig.ts` (TypeORM CLI). Entities and migrations are listed, not
 * globbed, so the compiled app, ts-jest and the CLI all load the same classes.
 * The schema comes from migrations only: `synchronize` is never on.
 */
export function dataSourceOptions(url: string | undefined): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; no extension to install
    // (managed databases often forbid CREATE EXTENSION).
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    applicationName: 'nest-graphql-sessions',
  };
}
