import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export const GRAPHQL_PATH = '/graphql';

/**
 * The GraphiQL page (@nestjs/apollo's landing page) loads React, ReactDOM and
 * GraphiQL from unpkg.com and starts them with one inline script. That script
 * is allowed by its hash rather than by 'unsafe-inline', so an injected script
 * still would not run. If an upgrade of @nestjs/apollo changes the page, the
 * security-headers test names the new hash.
 */
const GRAPHIQL_CDN = 'https://unpkg.com';
export const GRAPHIQL_INLINE_SCRIPT_HASH = "'sha256-0xLQ6PUZ3R8rSVlhREPOswHs3+vn4Ekj8r+1DYy67Sc='";

/**
 * Every response is JSON except that page, so by default nothing may load,
 * run, frame or submit anything.
 */
const apiHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
});

const graphiqlHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", GRAPHIQL_CDN, GRAPHIQL_INLINE_SCRIPT_HASH],
      // GraphiQL's editor sets styles at run time; style injection cannot run script.
      styleSrc: ["'self'", GRAPHIQL_CDN, "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', GRAPHIQL_CDN],
      fontSrc: ["'self'", 'data:', GRAPHIQL_CDN],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
});

/** Helmet's headers (HSTS, nosniff, frame and referrer policies …) with a CSP per kind of response. */
export function securityHeaders(options: { graphqlIde: boolean }): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const isGraphiqlPage =
      options.graphqlIde &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      request.path === GRAPHQL_PATH;
    (isGraphiqlPage ? graphiqlHeaders : apiHeaders)(request, response, next);
  };
}
