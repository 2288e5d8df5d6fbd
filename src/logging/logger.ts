import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

import type { Request } from 'express';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import type { Options } from 'pino-http';

import { requestIdFor } from '../http/request-id.js';

const CENSOR = '[Redacted]';

/**
 * Request headers that carry credentials. Headers are logged for debugging;
 * these are replaced by the `req` serializer below, which copies the headers
 * anyway, rather than by a redaction path: redacting a path that is present
 * clones the object again, and nearly every signed-in request has one of these.
 */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * Never written to a log. Request bodies and GraphQL variables (where passwords
 * travel) are not logged at all; these paths catch them should someone log one
 * anyway.
 */
export const REDACTED_PATHS = [
  'res.headers["set-cookie"]',
  'password',
  'token',
  '*.password',
  '*.token',
  '*.currentPassword',
  '*.newPassword',
  // TypeORM's QueryFailedError carries the statement's parameters, which may be
  // password or token hashes.
  'err.parameters',
];

/** The process's one root logger: JSON lines on stdout (or `destination`, which tests capture). */
export function createRootLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * pino-http options: one "request completed" line per request with its id,
 * method, path, status, duration, GraphQL operation and user id.
 */
export function httpLoggerOptions(root: Logger): Options<IncomingMessage, ServerResponse> {
  return {
    logger: root,
    genReqId: requestIdFor,
    // Logs made while handling a request carry its id, not the whole request again.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    serializers: {
      req: (req: {
        id: unknown;
        method: string;
        url: string;
        headers: IncomingHttpHeaders;
        remoteAddress: string;
      }) => ({
        id: req.id,
        method: req.method,
        // The path only: a query string may carry GraphQL variables.
        url: req.url.split('?')[0],
        headers: withoutCredentials(req.headers),
        remoteAddress: req.remoteAddress,
      }),
    },
    customSuccessObject: (req, _res, fields: object) => ({ ...fields, ...requestFacts(req) }),
    customErrorObject: (req, _res, _error, fields: object) => ({ ...fields, ...requestFacts(req) }),
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
  };
}

function requestFacts(incoming: IncomingMessage): Record<string, unknown> {
  const req = incoming as Request;
  return {
    operationName: req.graphqlOperation?.name,
    operationType: req.graphqlOperation?.type,
    userId: req.authenticatedUserId,
  };
}

function withoutCredentials(headers: IncomingHttpHeaders): Record<string, unknown> {
  const logged: Record<string, unknown> = {};
  for (const name in headers) logged[name] = CREDENTIAL_HEADERS.has(name) ? CENSOR : headers[name];
  return logged;
}
