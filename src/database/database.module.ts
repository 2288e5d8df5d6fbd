import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';

/** Owns the TypeORM DataSource. The server behind `url` is started (or not) by the caller. */
@Module({})
export class DatabaseModule {
  static forRoot(url: string, config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(url, config))],
    };
  }
}
