import type { NextFunction, Request, RequestHandler, Response } from 'express';

import { sendHttpError } from './http-errors.js';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests that a browser sent from another site:
 * their `Origin` is neither this service nor one of CORS_ORIGINS, or (for a
 * browser that sent no Origin) `Sec-Fetch-Site` says cross-site.
 *
 * CORS only stops a page from *reading* the answer; the mutation would still
 * have run with the victim's cookie. Apollo's CSRF prevention covers "simple"
 * requests (forms, text/plain); this covers the rest, whatever the content
 * type. Clients that are not browsers send neither header and pass.
 */
export function refuseCrossSiteRequests(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (request: Request, response: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(request.method)) return next();
    const origin = request.headers.origin;
    const crossSite =
      origin !== undefined
        ? !isOwnOrigin(origin, request) && !allowed.has(origin)
        : request.headers['sec-fetch-site'] === 'cross-site';
    if (!crossSite) return next();
    sendHttpError(response, 403, 'FORBIDDEN', 'Cross-site request refused: this origin is not allowed.');
  };
}

/**
 * Whether a page of this service itself sent the request (GraphiQL). Hosts are
 * compared, not schemes: behind a proxy that terminates TLS the request
 * arrives over http while the page's origin is https.
 */
function isOwnOrigin(origin: string, request: Request): boolean {
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
}
