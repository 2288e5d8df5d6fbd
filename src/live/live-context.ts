import { NotAuthenticatedError } from '../common/errors.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import type { LiveConnection } from './live-connection.js';

/**
 * What a resolver's context holds for an operation over WebSocket: the
 * connection, and a stand-in request proven to be the connection's session
 * (set through RequestAuthenticator.replace), so the `User` field resolvers
 * (`activeSessionCount`, `sessions`), which check who is asking on the
 * request, answer an `accountSessionsChanged` event as they answer HTTP.
 */
export interface LiveContext extends GraphqlContext {
  readonly live: LiveConnection;
}

/** A request object for one operation over WebSocket: no headers, no response, only the proven session. */
export function standInRequest(): GraphqlContext['req'] {
  return { headers: {} } as GraphqlContext['req'];
}

/** The connection of an operation; over HTTP there is none (subscriptions are refused there anyway). */
export function liveConnectionOf(context: Partial<LiveContext>): LiveConnection {
  if (!context.live) throw new NotAuthenticatedError();
  return context.live;
}
