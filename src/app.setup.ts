import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';

import type { AppConfig } from './config/app-config.js';
import { APP_CONFIG } from './config/config.module.js';
import { refuseCrossSiteRequests } from './http/cross-site-requests.js';
import { answerBodyParserErrors } from './http/http-errors.js';
import { assignRequestId } from './http/request-id.js';
import { securityHeaders } from './http/security-headers.js';

/** HTTP-level setup shared by main.ts and the end-to-end tests, so tests run the real pipeline. */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<AppConfig>(APP_CONFIG);
  // Nest's own logs (and every `new Logger(…)` in the code) go to the JSON log;
  // server.ts creates the app with the same logger, so start-up lines are not held back.
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // `request.ip` (the IP recorded on sessions) is the socket's address unless
  // TRUST_PROXY names the proxies allowed to speak for the client: trusting
  // X-Forwarded-For from anyone would let a client write any IP it likes.
  app.set('trust proxy', config.trustProxy);
  app.use(assignRequestId);
  app.use(securityHeaders());
  // Closed unless CORS_ORIGINS names origins: then only those may call the API
  // from a browser with the session cookie (the example client in examples/web
  // is one). SameSite=Lax still keeps the cookie to same-site origins.
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: [...config.corsOrigins],
      credentials: true,
      // Readable by the client, so it can quote it in a bug report.
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    });
  }
  app.use(refuseCrossSiteRequests(config.corsOrigins));
  // Registered here, these are the parsers Nest uses: it adds its own defaults
  // (without our limit) only for a parser that is not registered yet.
  // REQUEST_BODY_LIMIT_BYTES (16 KiB by default): the largest operation a client
  // of this API sends (GraphiQL's introspection) is a few kB, a sign-in under
  // 1 kB. A larger body is never read, parsed or hashed, and its variables
  // cannot make the work of validating them large.
  app.useBodyParser('json', { limit: config.requestBodyLimitBytes });
  app.useBodyParser('urlencoded', { limit: config.requestBodyLimitBytes, extended: false });
  app.use(answerBodyParserErrors);
  // GraphQL answers are POSTs about one person's session: no client or proxy
  // revalidates them with If-None-Match, yet Express would SHA-1 every body to
  // build an ETag and copy it into a Buffer to do so.
  app.set('etag', false);
  app.use(cookieParser());
}
