import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';

/**
 * Every GraphQL answer is private to its session (`me`, the session list), so
 * no browser or proxy may keep one: `Cache-Control: no-store`, always.
 *
 * Apollo's default cache-control plugin would send the same header here (the
 * schema gives no field a cache hint), but to compute it, it wraps every
 * field's resolver on every request; that cost shows in the benchmark's
 * `me { id }` (bench/results/README.md). Off, and the header set directly.
 */
export const graphqlCacheControlPlugins: ApolloServerPlugin[] = [
  ApolloServerPluginCacheControlDisabled(),
  {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
          return Promise.resolve();
        },
      });
    },
  },
];
