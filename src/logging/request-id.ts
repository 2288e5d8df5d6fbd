import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Letters, digits and `._:-`, 8 to 128 characters: what proxies and tracing
 * systems send (UUIDs, nginx's `$request_id`, ULIDs). Anything else is
 * replaced: the id is echoed in a response header and in error bodies, and is
 * the field log searches key on, so it must not carry quotes, spaces, markup
 * or kilobytes of whatever a client sends. (The raw header stays visible in
 * the logged request headers.)
 */
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The request's id: a well-formed incoming `X-Request-Id` (so a load balancer's
 * id follows the request into these logs), otherwise a new UUID. It is a
 * correlation aid, never an identity: a client can choose it, so two requests
 * may share one, and nothing is decided by it. It goes back in the
 * `X-Request-Id` response header and in GraphQL errors' `extensions.requestId`.
 */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && WELL_FORMED.test(incoming) ? incoming : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
