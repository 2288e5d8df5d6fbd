import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import type { Logger as PinoLogger } from 'pino';

import { APP_ENTITIES } from './app.entities.js';
import { AuthModule } from './auth/auth.module.js';
import { createValidationPipe } from './common/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { GeoIpModule } from './geoip/geoip.module.js';
import { DomainErrorFilter } from './graphql/graphql-errors.js';
import { graphqlOptions } from './graphql/graphql-options.js';
import { HealthModule } from './health/health.module.js';
import { GraphiqlModule } from './ide/graphiql.module.js';
import { IdentityModule } from './identity/identity.module.js';
import { LiveModule } from './live/live.module.js';
import { createRootLogger } from './logging/logger.js';
import { LoggingModule } from './logging/logging.module.js';
import { PasskeysModule } from './passkeys/passkeys.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { TwoFactorModule } from './two-factor/two-factor.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppModuleOptions {
  readonly config: AppConfig;
  /** The PostgreSQL to use: DATABASE_URL, or the embedded server main.ts started. */
  readonly databaseUrl: string;
  /** The root JSON logger; by default one on stdout at `config.logLevel`. */
  readonly logger?: PinoLogger;
}

/** The modules that make up the GraphQL API; `npm run schema:print` builds the schema from them. */
export const GRAPHQL_API_MODULES = [
  UsersModule,
  AuthModule,
  LiveModule,
  IdentityModule,
  TwoFactorModule,
  PasskeysModule,
];

/** Wires the app: infrastructure rooms, then feature rooms. Nothing else lives here. */
@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, logger }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger ?? createRootLogger(config.logLevel)),
        DatabaseModule.forRoot(databaseUrl, APP_ENTITIES, config),
        GraphQLModule.forRoot<ApolloDriverConfig>({ ...graphqlOptions(config), driver: ApolloDriver }),
        ScheduleModule.forRoot(),
        GeoIpModule,
        ...GRAPHQL_API_MODULES,
        RateLimitModule,
        HealthModule,
        // Off in production unless GRAPHQL_IDE=true.
        ...(config.graphqlIde ? [GraphiqlModule] : []),
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
      ],
    };
  }
}
