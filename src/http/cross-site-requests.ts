import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';

import { sendHttpError } from './http-errors.js';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The headers a cross-site decision reads, whatever carried them (an HTTP request, a WebSocket upgrade). */
export interface SiteHeaders {
  readonly host?: string;
  readonly origin?: string;
  readonly 'sec-fetch-site'?: string | string[];
}

export interface SitePolicyOptions {
  /** CORS_ORIGINS: other sites' pages allowed to call the API with the cookie. */
  readonly allowedOrigins: readonly string[];
  /** PUBLIC_API_URL's origin: this service's own pages (GraphiQL). */
  readonly publicApiOrigin: string | null;
  /**
   * Outside production, where no proxy stands in front: the Host must be a
   * loopback name or PUBLIC_API_URL's host, and a page's own origin is the
   * Host it was served from.
   */
  readonly isProduction: boolean;
}

/**
 * Which origins may send state-changing requests, and (outside production)
 * which Host headers are served at all.
 *
 * DNS rebinding: a page at http://evil.test:3100 whose name the attacker
 * re-points at 127.0.0.1 sends `Host: evil.test:3100` and
 * `Origin: http://evil.test:3100` — the same host, so "Origin matches Host"
 * would call it this service's own page. So production never trusts Host: its
 * own origin is PUBLIC_API_URL's, and a server on a developer's machine answers
 * only loopback Host names (or PUBLIC_API_URL's).
 */
export class SitePolicy {
  private readonly allowed: ReadonlySet<string>;
  private readonly publicHost: string | null;

  constructor(private readonly options: SitePolicyOptions) {
    const allowed = new Set(options.allowedOrigins);
    if (options.publicApiOrigin) allowed.add(options.publicApiOrigin);
    this.allowed = allowed;
    this.publicHost = options.publicApiOrigin ? new URL(options.publicApiOrigin).host : null;
  }

  /** Whether this Host header may be served (always, in production: the proxy in front decides). */
  servesHost(host: string | undefined): boolean {
    if (this.options.isProduction) return true;
    if (host === undefined) return false;
    return host === this.publicHost || isLoopbackHost(host);
  }

  /**
   * Whether a browser sent this request from another site: its `Origin` is
   * not an allowed one (nor, outside production, the Host's own), or (for a
   * browser that sent no Origin) `Sec-Fetch-Site` says cross-site. Clients
   * that are not browsers send neither header and pass.
   */
  isCrossSite(headers: SiteHeaders): boolean {
    const origin = headers.origin;
    if (origin === undefined) return headers['sec-fetch-site'] === 'cross-site';
    if (this.allowed.has(origin)) return false;
    return this.options.isProduction || !isOriginOfHost(origin, headers.host);
  }
}

/**
 * onRequest hook: a Host this server does not answer to is refused (DNS
 * rebinding), and so is a state-changing request a browser sent from another
 * site. CORS only stops a page from *reading* the answer; the mutation would
 * still have run with the victim's cookie. Apollo's CSRF prevention covers
 * "simple" requests (forms, text/plain); this covers the rest, whatever the
 * content type, before the body is even read.
 */
export function refuseCrossSiteRequests(policy: SitePolicy): onRequestHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (!policy.servesHost(request.headers.host)) {
      return sendHttpError(
        reply,
        403,
        'FORBIDDEN',
        'This host name is not served: set PUBLIC_API_URL to allow it.',
      );
    }
    if (SAFE_METHODS.has(request.method) || !policy.isCrossSite(request.headers)) return done();
    sendHttpError(reply, 403, 'FORBIDDEN', 'Cross-site request refused: this origin is not allowed.');
  };
}

const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `localhost`, `127.0.0.1`, `[::1]` or `*.localhost`, with any port. */
function isLoopbackHost(host: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  return LOOPBACK_NAMES.has(hostname) || hostname.endsWith('.localhost');
}

/**
 * Whether the page that sent the request was served from this Host (GraphiQL
 * in development). Hosts are compared, not schemes: behind a proxy that
 * terminates TLS the request arrives over http while the page is https.
 */
function isOriginOfHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
}
