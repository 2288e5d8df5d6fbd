import { FastifyAdapter } from '@nestjs/platform-fastify';

import type { AppConfig } from '../config/app-config.js';
import { newRequestId } from './request-id.js';

/**
 * The HTTP server under Nest: Fastify, created with what cannot be changed
 * once it exists.
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    // REQUEST_BODY_LIMIT_BYTES (16 KiB by default): the largest operation a
    // client of this API sends (GraphiQL's introspection) is a few kB, a
    // sign-in under 1 kB. A larger body is never read, parsed or hashed, and
    // its variables cannot make the work of validating them large.
    bodyLimit: config.requestBodyLimitBytes,
    // `request.ip` (the IP recorded on sessions) is the socket's address
    // unless TRUST_PROXY names the proxies allowed to speak for the client:
    // trusting X-Forwarded-For from anyone would let a client write any IP it likes.
    trustProxy: trustProxyOption(config.trustProxy),
    // Ids are ours (a UUID per request), never taken from the client.
    genReqId: newRequestId,
    requestIdHeader: false,
    // No Fastify logger: the app writes its own request line (logging/logger.ts).
    logger: false,
    // No Nest middleware is used (hooks do that work), so @fastify/middie's
    // per-request hook is not registered. A middleware added later fails at
    // start-up rather than silently not running.
    skipMiddie: true,
    // Slow clients (issue 11): a client that trickles its headers or body
    // holds a connection and its buffers for as long as it likes under Node's
    // defaults (no request timeout at all). These answer 408 and close.
    http: {
      headersTimeout: config.httpHeadersTimeoutSeconds * 1000,
      // How often Node looks for requests past those limits (30 s by default,
      // which would let a 10 s limit run to 40 s).
      connectionsCheckingInterval: 1000,
    },
    requestTimeout: config.httpRequestTimeoutSeconds * 1000,
    keepAliveTimeout: config.httpKeepAliveTimeoutSeconds * 1000,
  });
}

/**
 * TRUST_PROXY as Fastify takes it. A number of hops becomes the function
 * proxy-addr would compile it to (trust the N addresses nearest the socket),
 * as the setting has always meant: Fastify itself now refuses a bare number.
 */
function trustProxyOption(
  trustProxy: AppConfig['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy === 'number') return (_address, hop) => hop < trustProxy;
  return typeof trustProxy === 'boolean' ? trustProxy : [...trustProxy];
}
