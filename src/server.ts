import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream, Logger } from 'pino';
import { DataSource } from 'typeorm';

import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import type { AppConfig } from './config/app-config.js';
import { provideDatabaseServer } from './database/database-server.js';
import { runPendingMigrations } from './database/run-migrations.js';
import { createRootLogger, logFormatFor } from './logging/logger.js';

export interface RunningServer {
  readonly app: NestExpressApplication;
  /** e.g. http://localhost:3000 */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, closes the pool, stops an embedded database. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Where the JSON log goes; stdout by default. */
  readonly logDestination?: DestinationStream;
}

/**
 * Starts the whole service: the database (DATABASE_URL, or an embedded
 * PostgreSQL under DATA_DIR), pending migrations, then HTTP on PORT.
 */
export async function startServer(
  config: AppConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const rootLogger = createRootLogger(
    config.logLevel,
    options.logDestination,
    options.logDestination ? 'json' : logFormatFor(config.environment, process.stdout.isTTY === true),
  );
  const logger = rootLogger.child({ context: 'Server' });
  const postgresLogger = rootLogger.child({ context: 'PostgreSQL' });
  const database = await provideDatabaseServer(
    config,
    (message) => logPostgresProblems(postgresLogger, message),
    (message) => postgresLogger.info(message),
  );
  if (database.embedded) logger.info(`Embedded PostgreSQL started under ${config.dataDir}`);

  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, databaseUrl: database.url, logger: rootLogger }),
      // Without abortOnError: false Nest calls process.exit(1) on a bootstrap error,
      // skipping database.stop() below. Start-up logs wait for the JSON logger.
      { abortOnError: false, bufferLogs: true },
    );
    configureApp(app);
    const applied = await runPendingMigrations(app.get(DataSource), config);
    if (applied.length > 0) logger.info(`Applied migrations: ${applied.join(', ')}`);
    await app.listen(config.port);
    const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    return {
      app,
      url,
      stop: async () => {
        await app.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}

/** PostgreSQL's own chatter (checkpoints, start-up lines) is noise; its problems are not. */
function logPostgresProblems(logger: Logger, message: string): void {
  if (/\b(ERROR|FATAL|PANIC):/.test(message)) logger.warn(message.trim());
}
