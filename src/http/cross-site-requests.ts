import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';

import { sendHttpError } from './http-errors.js';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The headers a cross-site decision reads, whatever carried them (an HTTP request, a WebSocket upgrade). */
export interface SiteHeaders {
  readonly origin?: string;
  readonly 'sec-fetch-site'?: string | string[];
}

/**
 * Whether a browser sent this request from another site: its `Origin` is
 * neither this service (`ownHost`) nor one of `allowedOrigins`, or (for a
 * browser that sent no Origin) `Sec-Fetch-Site` says cross-site. Clients that
 * are not browsers send neither header and pass.
 */
export function isCrossSite(
  headers: SiteHeaders,
  ownHost: string,
  allowedOrigins: ReadonlySet<string>,
): boolean {
  const origin = headers.origin;
  if (origin === undefined) return headers['sec-fetch-site'] === 'cross-site';
  return !isOwnOrigin(origin, ownHost) && !allowedOrigins.has(origin);
}

/**
 * onRequest hook refusing state-changing requests that a browser sent from
 * another site.
 *
 * CORS only stops a page from *reading* the answer; the mutation would still
 * have run with the victim's cookie. Apollo's CSRF prevention covers "simple"
 * requests (forms, text/plain); this covers the rest, whatever the content
 * type, before the body is even read.
 */
export function refuseCrossSiteRequests(allowedOrigins: readonly string[]): onRequestHookHandler {
  const allowed = new Set(allowedOrigins);
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (SAFE_METHODS.has(request.method) || !isCrossSite(request.headers, request.host, allowed))
      return done();
    sendHttpError(reply, 403, 'FORBIDDEN', 'Cross-site request refused: this origin is not allowed.');
  };
}

/**
 * Whether a page of this service itself sent the request (GraphiQL). Hosts are
 * compared, not schemes: behind a proxy that terminates TLS the request
 * arrives over http while the page's origin is https.
 */
function isOwnOrigin(origin: string, ownHost: string): boolean {
  try {
    return new URL(origin).host === ownHost;
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
}
