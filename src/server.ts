import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import type { AppConfig } from './config/app-config.js';
import { provideDatabaseServer } from './database/database-server.js';
import { runPendingMigrations } from './database/run-migrations.js';

export interface RunningServer {
  readonly app: NestExpressApplication;
  /** e.g. http://localhost:3000 */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, closes the pool, stops an embedded database. */
  stop(): Promise<void>;
}

const logger = new Logger('Server');

/**
 * Starts the whole service: the database (DATABASE_URL, or an embedded
 * PostgreSQL under DATA_DIR), pending migrations, then HTTP on PORT.
 */
export interface StartServerOptions {
  /** Nest's logger setting; the default logs everything but debug and verbose. */
  readonly logger?: LogLevel[] | false;
}

export async function startServer(
  config: AppConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const logLevels = options.logger ?? ['fatal', 'error', 'warn', 'log'];
  Logger.overrideLogger(logLevels);
  const database = await provideDatabaseServer(config, logPostgresProblems);
  if (database.embedded) logger.log(`Embedded PostgreSQL started under ${config.dataDir}`);

  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, databaseUrl: database.url }),
      // Without this Nest calls process.exit(1) on a bootstrap error, skipping database.stop() below.
      { abortOnError: false, logger: logLevels },
    );
    configureApp(app);
    const applied = await runPendingMigrations(app.get(DataSource));
    if (applied.length > 0) logger.log(`Applied migrations: ${applied.join(', ')}`);
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
function logPostgresProblems(message: string): void {
  if (/\b(ERROR|FATAL|PANIC):/.test(message)) logger.warn(message.trim(), 'PostgreSQL');
}
