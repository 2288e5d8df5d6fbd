import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { AppConfig } from '../config/app-config.js';
import { graphqlCacheControlPlugins } from './graphql-cache-control.js';
import type { GraphqlContext } from './graphql-context.js';
import { createErrorFormatter, createErrorLoggingPlugin } from './graphql-errors.js';
import { graphqlLimits } from './graphql-limits.js';
import { graphqlLoggingPlugin } from './graphql-logging.plugin.js';
import { httpSubscriptionRefusal } from './http-subscription-refusal.plugin.js';
import { SCHEMA_FILE } from './schema-file.js';

/** Everything the GraphQL endpoint is configured with, in one place. */
export function graphqlOptions(config: AppConfig): ApolloDriverConfig {
  const limits = graphqlLimits({
    hideFieldSuggestions: !config.graphqlIntrospection,
    // What each list field returns at most: a user's active sessions are capped at
    // sign-in; a page of security events at its `first` bound. The cost rule prices
    // none above PRICED_LIST_SIZE_MAX, so raising the cap never refuses the device list.
    listSizes: new Map([
      ['User.sessions', config.sessionsPerUserMax],
      ['SecurityEventConnection.edges', 100],
    ]),
  });
  return {
    driver: ApolloDriver,
    path: '/graphql',
    // In development the code-first schema is written to schema.gql for review
    // (as `npm run schema:print` does); production and tests keep it in memory
    // (no writes to the app's directory). A test fails when the committed file is stale.
    autoSchemaFile: config.environment === 'development' ? SCHEMA_FILE : true,
    sortSchema: true,
    // GraphiQL is served by src/ide/ from this server's own files; the page
    // @nestjs/apollo would serve (its `graphiql` and `playground` options)
    // loads its scripts from unpkg.com.
    graphiql: false,
    introspection: config.graphqlIntrospection,
    // Refuses "simple" cross-site requests (text/plain forms, no custom header)
    // before any resolver runs, so a cookie alone cannot drive a mutation.
    csrfPrevention: true,
    // A JSON array of operations would multiply every per-request bound below (Apollo's default, stated).
    allowBatchedHttpRequests: false,
    // Automatic persisted queries are not a feature of this API: a hash it never
    // stored answers PERSISTED_QUERY_NOT_SUPPORTED, and no cache grows per client.
    persistedQueries: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [
      ...limits.plugins,
      ...graphqlCacheControlPlugins,
      httpSubscriptionRefusal,
      createErrorLoggingPlugin(),
      graphqlLoggingPlugin,
    ],
    includeStacktraceInErrorResponses: !config.isProduction,
    formatError: createErrorFormatter(config.isProduction),
    // Nest runs no filters or guards on @ResolveField by default: a domain error
    // from a field (User.sessions refusing another user: FORBIDDEN) would reach
    // the client as INTERNAL_SERVER_ERROR, and @OwnUserField's guard would not
    // run. No resolver class carries a guard, so only fields that ask get one.
    fieldResolverEnhancers: ['filters', 'guards'],
    // @as-integrations/fastify calls this with Fastify's request and reply.
    context: (req: FastifyRequest, res: FastifyReply): GraphqlContext => ({ req, res }),
  };
}
