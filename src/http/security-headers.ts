import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's headers (HSTS, nosniff, frame and referrer policies …) and the
 * API's CSP. Every response is JSON except the GraphiQL page, which sets its
 * own policy (graphiql-page.ts), so by default nothing may load, run, frame or
 * submit anything.
 */
const SECURITY_HEADERS: HelmetOptions = {
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

/**
 * The headers helmet sets, worked out by helmet once at start-up: they do not
 * depend on the request (no CSP nonces here). @fastify/helmet would rebuild
 * helmet from its options on every request, which showed in the floor's profile.
 */
export function helmetHeaders(options: HelmetOptions = SECURITY_HEADERS): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
    getHeader: () => undefined,
  };
  let failure: unknown;
  helmet(options)({ headers: {} } as never, recorder as never, (error?: unknown) => {
    failure = error;
  });
  if (failure instanceof Error) throw failure;
  if (failure) throw new Error('helmet refused its options');
  if (Object.keys(headers).length === 0) throw new Error('helmet set no headers: check its options');
  return headers;
}

/** onRequest hook: every response carries the security headers, a refusal included. */
export function sendSecurityHeaders(headers: Record<string, string> = helmetHeaders()): onRequestHookHandler {
  return (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    void reply.headers(headers);
    done();
  };
}
