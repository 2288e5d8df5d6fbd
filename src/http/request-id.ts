import { randomUUID } from 'node:crypto';

import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/**
 * Fastify's `genReqId`: every request's id is made by this server (a UUID).
 * It is on the log line, in the `X-Request-Id` response header and in errors'
 * `extensions.requestId`.
 *
 * An incoming `X-Request-Id` is never reused, however well-formed (the adapter
 * is created with `requestIdHeader: false`): a client could otherwise make its
 * requests' log lines and errors carry someone else's id.
 */
export function newRequestId(): string {
  return randomUUID();
}

/** onRequest hook: the id goes out with whatever answers the request, a refusal included. */
export function sendRequestId(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  reply.header('x-request-id', request.id);
  done();
}
