import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { NextFunction, Request, Response } from 'express';

const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The request's id, made by this server (a UUID) the first time it is asked
 * for: on the log line, in the `X-Request-Id` response header and in GraphQL
 * errors' `extensions.requestId`.
 *
 * An incoming `X-Request-Id` is never reused, however well-formed: a client
 * could otherwise make its requests' log lines and errors carry someone else's
 * id. It is not lost either: it stays in the logged request headers, so an id
 * a proxy assigned can still be searched for.
 */
export function requestIdFor(incoming: IncomingMessage, response: ServerResponse): string {
  const request = incoming as Request;
  if (!request.requestId) {
    request.requestId = randomUUID();
    response.setHeader(REQUEST_ID_HEADER, request.requestId);
  }
  return request.requestId;
}

/** Express middleware: every request gets its id first, whatever answers it. */
export function assignRequestId(request: Request, response: Response, next: NextFunction): void {
  requestIdFor(request, response);
  next();
}
