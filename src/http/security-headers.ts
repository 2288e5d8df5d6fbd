import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * Helmet's headers (HSTS, nosniff, frame and referrer policies …) and the
 * API's CSP. Every response is JSON except the GraphiQL page, which sets its
 * own policy (graphiql-page.ts), so by default nothing may load, run, frame or
 * submit anything.
 */
export const SECURITY_HEADERS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
};
