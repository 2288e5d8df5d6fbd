import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';

/**
 * The schema has subscriptions (served over WebSocket by src/live/); over
 * HTTP graphql-js would run a subscription field as a query field, once,
 * with no event to resolve, and fail with INTERNAL_SERVER_ERROR. Refused as
 * the client's mistake instead, before anything runs, saying where to go.
 */
export const httpSubscriptionRefusal: ApolloServerPlugin = {
  requestDidStart() {
    return Promise.resolve({
      didResolveOperation({ operation }) {
        if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) return Promise.resolve();
        throw new GraphQLError(
          'Subscriptions are served over WebSocket (graphql-ws) on /graphql, not over HTTP.',
          {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          },
        );
      },
    });
  },
};
