import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * Gives every request an id of our own making. An incoming X-Request-Id is not
 * reused: a client could otherwise make its failures look like someone else's.
 */
export function assignRequestId(request: Request, response: Response, next: NextFunction): void {
  request.requestId = randomUUID();
  response.setHeader(REQUEST_ID_HEADER, request.requestId);
  next();
}
