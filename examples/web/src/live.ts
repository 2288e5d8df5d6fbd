import { ApolloLink, makeVar } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';

/** Why this page went back to the sign-in form on its own, to say so there. */
export const endedRemotely = makeVar<'elsewhere' | 'expired' | 'reported' | 'two-factor' | null>(null);

/**
 * Subscriptions go over WebSocket (graphql-ws) to the same /graphql, queries
 * and mutations over HTTP. The socket authenticates when it opens, with the
 * session cookie of the handshake (the browser sends it to the API's origin,
 * same-site as this page): so it opens lazily, once the page is signed in and
 * subscribes, and closes when the last subscription stops (sign-out).
 */
export function withLiveLink(apiUrl: string, httpLink: ApolloLink): ApolloLink {
  const wsLink = new GraphQLWsLink(
    createClient({
      url: apiUrl.replace(/^http/, 'ws'),
      lazy: true,
      lazyCloseTimeout: 0,
      // 4401 (no session), 4403 (session ended), 4430 (too many sockets): reconnecting would not help.
      shouldRetry: (event) => !isCloseCode(event, [4400, 4401, 4403, 4430]),
      retryAttempts: 5,
    }),
  );
  return ApolloLink.split(
    ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
    wsLink,
    httpLink,
  );
}

function isCloseCode(event: unknown, codes: number[]): boolean {
  const code = (event as { code?: unknown } | null)?.code;
  return typeof code === 'number' && codes.includes(code);
}
