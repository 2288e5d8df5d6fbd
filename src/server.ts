import type { Server } from 'node:http';

import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream, Logger } from 'pino';
import { DataSource } from 'typeorm';

import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import type { AppConfig } from './config/app-config.js';
import { provideDatabaseServer } from './database/database-server.js';
import { postgresProblems } from './database/postgres-log-filter.js';
import { runPendingMigrations } from './database/run-migrations.js';
import { waitForDatabase } from './database/wait-for-database.js';
import { createHttpAdapter } from './http/http-adapter.js';
import { createRootLogger, logFormatFor, nestLoggerFor } from './logging/logger.js';
import { reportDrops, stdoutDestination } from './logging/stdout-destination.js';

export interface RunningServer {
  readonly app: NestFastifyApplication;
  /** e.g. http://localhost:3000 */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, closes the pool, stops an embedded database. */
  stop(): Promise<void>;
  /** What a stop in progress is still waiting for, each step in words; empty once it is done. */
  pendingStopSteps(): Promise<string[]>;
}

export interface StartServerOptions {
  /** Where the JSON log goes; stdout by default. */
  readonly logDestination?: DestinationStream;
  /** The root logger, when the caller logs on it too (main.ts); else one is made from the options. */
  readonly logger?: Logger;
}

/**
 * Starts the whole service: the database (DATABASE_URL, or an embedded
 * PostgreSQL under DATA_DIR), pending migrations, then HTTP on PORT.
 */
export async function startServer(
  config: AppConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const rootLogger = options.logger ?? createServerLogger(config, options.logDestination);
  const logger = rootLogger.child({ context: 'Server' });
  const postgresLogger = rootLogger.child({ context: 'PostgreSQL' });
  const database = await provideDatabaseServer(
    config,
    (message) => logPostgresProblems(postgresLogger, message),
    (message) => postgresLogger.info(message),
  );
  if (database.embedded) logger.info(`Embedded PostgreSQL started under ${config.dataDir}`);

  try {
    await waitForDatabase(database.url, config, rootLogger.child({ context: 'Database' }));
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ config, databaseUrl: database.url, logger: rootLogger }),
      createHttpAdapter(config),
      // Without abortOnError: false Nest calls process.exit(1) on a bootstrap error,
      // skipping database.stop() below. Nest logs to the JSON log from its first
      // line: buffered start-up lines would be lost with a start-up that hangs.
      { abortOnError: false, logger: nestLoggerFor(rootLogger) },
    );
    await configureApp(app);
    const applied = await runPendingMigrations(app.get(DataSource), config);
    if (applied.length > 0) logger.info(`Applied migrations: ${applied.join(', ')}`);
    // Every interface, as Express listened by default (Fastify's default is loopback only).
    await app.listen(config.port, '::');
    const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    const dataSource = app.get(DataSource);
    let stopping = false;
    let databaseStopped = false;
    return {
      app,
      url,
      stop: async () => {
        stopping = true;
        await app.close();
        await database.stop();
        databaseStopped = true;
      },
      pendingStopSteps: async () => {
        if (!stopping) return [];
        const http: Server = app.getHttpServer();
        const connections = await openConnections(http);
        const steps: string[] = [];
        // Connections left after closing are requests still being answered (idle ones are closed).
        if (http.listening || connections > 0) {
          steps.push(`the HTTP server to close (${connections} connections with requests in flight)`);
        }
        if (dataSource.isInitialized) steps.push('the database connection pool to close');
        if (database.embedded && !databaseStopped) steps.push('the embedded PostgreSQL to stop');
        return steps;
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}

/**
 * JSON on stdout through a bounded buffer (LOG_BUFFER_BYTES), readable lines
 * at a terminal in development, or the caller's destination.
 */
export function createServerLogger(config: AppConfig, destination?: DestinationStream): Logger {
  if (destination) return createRootLogger(config.logLevel, destination);
  const format = logFormatFor(config.environment, process.stdout.isTTY === true);
  if (format === 'pretty') return createRootLogger(config.logLevel, undefined, 'pretty');
  const stdout = stdoutDestination(config.logBufferBytes);
  const logger = createRootLogger(config.logLevel, stdout);
  reportDrops(stdout, logger, config.logBufferBytes);
  return logger;
}

function openConnections(http: Server): Promise<number> {
  return new Promise((counted) => http.getConnections((_error, count) => counted(count ?? 0)));
}

/** PostgreSQL's own chatter (checkpoints, start-up lines) is noise; its problems are not. */
function logPostgresProblems(logger: Logger, message: string): void {
  // Severity and primary message only: no statement text, no key values (postgres-log-filter.ts).
  const problems = postgresProblems(message);
  if (problems) logger.warn(problems);
}
