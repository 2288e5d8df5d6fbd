import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { join } from 'node:path';
import { AuthModule } from './auth/auth.module.js';
import { createErrorFormatter, DomainErrorFilter } from './common/graphql-errors.js';
import type { GraphqlContext } from './common/request-context.js';
import { createValidationPipe } from './common/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { SessionCountLoaderFactory } from './sessions/session-count.loader.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppModuleOptions {
  readonly config: AppConfig;
  /** The PostgreSQL to use: DATABASE_URL, or the embedded server main.ts started. */
  readonly databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [SessionsModule],
          inject: [SessionCountLoaderFactory],
          useFactory: (sessionCounts: SessionCountLoaderFactory) => graphqlOptions(config, sessionCounts),
        }),
        UsersModule,
        AuthModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
      ],
    };
  }
}

function graphqlOptions(config: AppConfig, sessionCounts: SessionCountLoaderFactory): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    path: '/graphql',
    // In development the code-first schema is written to schema.gql for review;
    // production and tests keep it in memory (no writes to the app's directory).
    autoSchemaFile: config.environment === 'development' ? join(process.cwd(), 'schema.gql') : true,
    sortSchema: true,
    graphiql: !config.isProduction,
    introspection: !config.isProduction,
    // Refuses "simple" cross-site requests (text/plain forms, no custom header)
    // before any resolver runs, so a cookie alone cannot drive a mutation.
    csrfPrevention: true,
    includeStacktraceInErrorResponses: !config.isProduction,
    formatError: createErrorFormatter(config.isProduction),
    context: ({ req, res }: Pick<GraphqlContext, 'req' | 'res'>): GraphqlContext => ({
      req,
      res,
      loaders: { activeSessionCount: sessionCounts.create() },
    }),
  };
}
