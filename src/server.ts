import { Logger } from '@nestjs/common';
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
export async function startServer(config: AppConfig): Promise<RunningServer> {
  const database = await provideDatabaseServer(config, (message) =>
    logger.debug(message.trim(), 'PostgreSQL'),
  );
  if (database.embedded) logger.log(`Embedded PostgreSQL started under ${config.dataDir}`);

  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, databaseUrl: database.url }),
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
