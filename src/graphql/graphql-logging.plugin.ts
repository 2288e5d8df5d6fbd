import type { ApolloServerPlugin } from '@apollo/server';

import type { GraphqlContext } from './graphql-context.js';

/** Longer client-sent operation names are cut: they are for reading logs, not for storing payloads. */
const MAX_OPERATION_NAME_LENGTH = 100;

/**
 * Tells the request log which GraphQL operation a request ran, and puts the
 * request id (the one in the log line and the `X-Request-Id` header) into every
 * error's `extensions.requestId`, so a user's bug report leads to the log line.
 */
export const graphqlLoggingPlugin: ApolloServerPlugin<GraphqlContext> = {
  requestDidStart({ contextValue: { req }, request }) {
    // The client's name until the document is parsed, so a request that fails
    // to parse or validate is still logged under the name it claimed.
    if (typeof request.operationName === 'string') {
      req.graphqlOperation = { name: request.operationName.slice(0, MAX_OPERATION_NAME_LENGTH) };
    }
    return Promise.resolve({
      didResolveOperation({ operation, operationName }) {
        req.graphqlOperation = { name: operationName ?? undefined, type: operation?.operation };
        return Promise.resolve();
      },
      willSendResponse({ response }) {
        const requestId = req.id;
        if (
          response.body.kind !== 'single' ||
          !response.body.singleResult.errors ||
          requestId === undefined
        ) {
          return Promise.resolve();
        }
        response.body.singleResult.errors = response.body.singleResult.errors.map((error) => ({
          ...error,
          extensions: { ...error.extensions, requestId },
        }));
        return Promise.resolve();
      },
    });
  },
};
