import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Every response is JSON except the GraphiQL page, which sets its own policy
 * (graphiql-page.ts), so by default nothing may load, run, frame or submit anything.
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

/** Helmet's headers (HSTS, nosniff, frame and referrer policies …) and the API's CSP. */
export function securityHeaders(): RequestHandler {
  return apiHeaders;
}
