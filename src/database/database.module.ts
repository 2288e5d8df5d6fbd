import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions, type EntityList } from './data-source-options.js';
import { DatabaseProbe } from './database-probe.js';
import { PooledStatementTimeoutCheck } from './pooled-statement-timeout.js';
import { SqlRunner } from './sql-runner.js';
import { UnitOfWork } from './transaction.js';

/**
 * Owns the TypeORM DataSource, and gives every repository the SqlRunner and
 * every service the UnitOfWork (and health/ its DatabaseProbe). The server
 * behind `url` is started (or not) by the caller, which also names the entities.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, entities: EntityList, config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(url, entities, config),
          // One attempt: server.ts waits for the database first (waitForDatabase, logging
          // each try as it happens); @nestjs/typeorm's default of ten tries, 3 s apart,
          // would add half a minute of silence to a start-up that is failing anyway.
          retryAttempts: 1,
        }),
      ],
      providers: [SqlRunner, UnitOfWork, PooledStatementTimeoutCheck, DatabaseProbe],
      exports: [SqlRunner, UnitOfWork, DatabaseProbe],
    };
  }
}
