import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AuthModule } from './auth/auth.module.js';
import {
  createErrorFormatter,
  createErrorLoggingPlugin,
  DomainErrorFilter,
} from './common/graphql-errors.js';
import { graphqlCacheControlPlugins } from './common/graphql-cache-control.js';
import { graphqlLimits } from './common/graphql-limits.js';
import type { GraphqlContext } from './common/request-context.js';
import { createValidationPipe } from './common/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { GraphiqlModule } from './graphiql/graphiql.module.js';
import { SCHEMA_FILE } from './graphql/schema-file.js';
import { HealthModule } from './health/health.module.js';
import { graphqlLoggingPlugin } from './logging/graphql-logging.plugin.js';
import { createRootLogger, httpLoggerOptions } from './logging/logger.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { SessionCountLoaderFactory } from './sessions/session-count.loader.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppModuleOptions {
  readonly config: AppConfig;
  /** The PostgreSQL to use: DATABASE_URL, or the embedded server main.ts started. */
  readonly databaseUrl: string;
  /** The root JSON logger; by default one on stdout at `config.logLevel`. */
  readonly logger?: PinoLogger;
}

/** The modules that make up the GraphQL API; `npm run schema:print` builds the schema from them. */
export const GRAPHQL_API_MODULES = [UsersModule, AuthModule];

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, logger }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // nestjs-pino keeps one pino-http middleware per process (the first app's);
        // one app per process is what it is built for.
        LoggerModule.forRoot({ pinoHttp: httpLoggerOptions(logger ?? createRootLogger(config.logLevel)) }),
        DatabaseModule.forRoot(databaseUrl, config),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [SessionsModule],
          inject: [SessionCountLoaderFactory],
          useFactory: (sessionCounts: SessionCountLoaderFactory) => graphqlOptions(config, sessionCounts),
        }),
        ScheduleModule.forRoot(),
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

function graphqlOptions(config: AppConfig, sessionCounts: SessionCountLoaderFactory): ApolloDriverConfig {
  const limits = graphqlLimits({ hideFieldSuggestions: !config.graphqlIntrospection });
  return {
    driver: ApolloDriver,
    path: '/graphql',
    // In development the code-first schema is written to schema.gql for review
    // (as `npm run schema:print` does); production and tests keep it in memory
    // (no writes to the app's directory). A test fails when the committed file is stale.
    autoSchemaFile: config.environment === 'development' ? SCHEMA_FILE : true,
    sortSchema: true,
    // GraphiQL is served by GraphiqlModule from this server's own files; the
    // page @nestjs/apollo would serve (its `graphiql` and `playground` options)
    // loads its scripts from unpkg.com.
    graphiql: false,
    introspection: config.graphqlIntrospection,
    // Refuses "simple" cross-site requests (text/plain forms, no custom header)
    // before any resolver runs, so a cookie alone cannot drive a mutation.
    csrfPrevention: true,
    // A JSON array of operations would multiply every per-request bound below (Apollo's default, stated).
    allowBatchedHttpRequests: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [
      ...limits.plugins,
      ...graphqlCacheControlPlugins,
      createErrorLoggingPlugin(),
      graphqlLoggingPlugin,
    ],
    includeStacktraceInErrorResponses: !config.isProduction,
    formatError: createErrorFormatter(config.isProduction),
    // Nest runs no filters on @ResolveField by default, so a domain error from
    // a field (User.sessions refusing another user: FORBIDDEN) would reach the
    // client as INTERNAL_SERVER_ERROR. Filters only: guards stay off field
    // resolvers, which check the requester themselves.
    fieldResolverEnhancers: ['filters'],
    context: ({ req, res }: Pick<GraphqlContext, 'req' | 'res'>): GraphqlContext => ({
      req,
      res,
      loaders: { activeSessionCount: sessionCounts.create() },
    }),
  };
}
