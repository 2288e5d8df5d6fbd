import type { DataSourceOptions } from 'typeorm';

/** The entity classes a DataSource maps. */
export type EntityList = NonNullable<DataSourceOptions['entities']>;
import { MIGRATIONS } from '../../migrations/index.js';
import type { AppConfig } from '../config/app-config.js';
import { ListenedClient } from './pg-client.js';

/**
 * The one description of the database connection, shared by the Nest app and
 * by `ormconfig.ts` (TypeORM CLI). The caller names the entities (the app's
 * list is `APP_ENTITIES` in src/app.entities.ts), so this room knows no
 * feature. Entities and migrations are listed, not globbed, so the compiled
 * app, ts-jest and the CLI all load the same classes. The schema comes from
 * migrations only: `synchronize` is never on.
 */
export function dataSourceOptions(
  url: string | undefined,
  entities: EntityList,
  timeouts?: DatabaseTimeouts,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; no extension to install
    // (managed databases often forbid CREATE EXTENSION).
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    applicationName: 'nest-graphql-sessions',
    // Opening a connection, and waiting for a free one when all are busy.
    connectTimeoutMS: timeouts?.databaseConnectTimeoutMs,
    // A client that an ended connection cannot turn into a process exit (see ListenedClient).
    extra: { Client: ListenedClient, ...(timeouts && statementTimeouts(timeouts)) },
  };
}

type DatabaseTimeouts = Pick<AppConfig, 'databaseConnectTimeoutMs' | 'databaseStatementTimeoutMs'> &
  Partial<Pick<AppConfig, 'databasePooler'>>;

/**
 * Bounds on every wait, so that while PostgreSQL is down or stuck a request
 * fails in seconds (SERVICE_UNAVAILABLE) instead of hanging, and the pool
 * recovers on its own once the database answers again: a failed connection
 * is dropped and the next request opens a new one.
 */
function statementTimeouts({
  databaseConnectTimeoutMs,
  databaseStatementTimeoutMs,
  databasePooler,
}: DatabaseTimeouts): Record<string, unknown> {
  return {
    // Enforced by the server: the statement is cancelled and its transaction rolled back.
    // A start-up parameter, which a transaction pooler refuses (or, told to ignore it,
    // drops): behind one it is set per transaction (UnitOfWork) and on the role, checked
    // at start (checkPooledStatementTimeout).
    ...(databasePooler === 'transaction' ? {} : { statement_timeout: databaseStatementTimeoutMs }),
    // Enforced by the client, a little later, for a server that can no longer even say it cancelled.
    query_timeout: databaseStatementTimeoutMs + databaseConnectTimeoutMs,
    // Notices a silently dropped connection (a failed-over host) instead of waiting on it forever.
    keepAlive: true,
  };
}
