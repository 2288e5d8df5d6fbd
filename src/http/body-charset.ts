import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

import { sendHttpError } from './http-errors.js';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
const UTF8 = /^utf-?8$/i;

/**
 * onRequest hook: a body declared in a charset other than UTF-8 is refused
 * (415) before it is read. Fastify decodes every body as UTF-8 whatever it
 * declares, so a body in another charset would be read as something else
 * than what its sender meant.
 */
export function refuseOtherCharsets(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const contentType = request.headers['content-type'];
  const charset = contentType === undefined ? undefined : CHARSET.exec(contentType)?.[1];
  if (charset === undefined || UTF8.test(charset)) return done();
  sendHttpError(reply, 415, 'BAD_REQUEST', 'The request body has an unsupported charset: send UTF-8.');
}
