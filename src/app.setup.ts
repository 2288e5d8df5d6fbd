import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';

import type { AppConfig } from './config/app-config.js';
import { APP_CONFIG } from './config/config.module.js';
import { IpLocator } from './geoip/ip-locator.js';
import { refuseOtherCharsets } from './http/body-charset.js';
import { refuseCrossSiteRequests, SitePolicy } from './http/cross-site-requests.js';
import { addRequestIdToErrorAnswers } from './http/http-errors.js';
import { sendRequestId } from './http/request-id.js';
import { sendSecurityHeaders } from './http/security-headers.js';
import { logEveryRequest, nestLoggerFor } from './logging/logger.js';
import { ROOT_LOGGER } from './logging/logging.module.js';

/**
 * HTTP-level setup shared by server.ts and the end-to-end tests, so tests run
 * the real pipeline. What the adapter is created with (body limit, proxies,
 * request ids) is in http-adapter.ts.
 */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const config = app.get<AppConfig>(APP_CONFIG);
  const root = app.get<Logger>(ROOT_LOGGER);
  // Nest's logs (and every `new Logger(…)` in the code) go to the JSON log.
  app.useLogger(nestLoggerFor(root));
  const fastify = app.getHttpAdapter().getInstance();
  // Where client info is taken (auth/client-info.ts) looks the address up in it.
  const locator = app.get(IpLocator);
  fastify.decorateRequest('ipLocator', { getter: () => locator });
  fastify.addHook('onRequest', sendRequestId);
  logEveryRequest(fastify, root);
  fastify.addHook('onSend', addRequestIdToErrorAnswers);
  fastify.addHook('onRequest', sendSecurityHeaders());
  // Closed unless CORS_ORIGINS names origins: then only those may call the API
  // from a browser with the session cookie (the example client in examples/web
  // is one). SameSite=Lax still keeps the cookie to same-site origins.
  if (config.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: [...config.corsOrigins],
      credentials: true,
      // Readable by the client, so it can quote it in a bug report.
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    });
  }
  const sites = new SitePolicy({
    allowedOrigins: config.corsOrigins,
    publicApiOrigin: config.publicApiOrigin,
    isProduction: config.isProduction,
  });
  fastify.addHook('onRequest', refuseCrossSiteRequests(sites));
  fastify.addHook('onRequest', refuseOtherCharsets);
  await app.register(fastifyCookie);
  // Past HTTP_MAX_CONNECTIONS, Node closes a new connection as it arrives.
  app.getHttpServer().maxConnections = config.httpMaxConnections;
}
