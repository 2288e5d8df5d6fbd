import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

import type { LoggerService } from '@nestjs/common';
import type { Request } from 'express';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import type { Options } from 'pino-http';

import { requestIdFor } from '../http/request-id.js';

const CENSOR = '[Redacted]';

/**
 * Never written to a log. The request line carries no headers and no body, and
 * GraphQL variables (where passwords travel) are not logged at all; these paths
 * catch credentials should someone log a request, a response or an input anyway.
 * A path that is absent costs a property check, not a copy.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
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

export type LogFormat = 'json' | 'pretty';

/**
 * Readable lines for a person at a terminal in development; JSON lines for
 * everything else (a log collector, a file, a pipe, production, the tests).
 */
export function logFormatFor(nodeEnv: string | undefined, stdoutIsTerminal: boolean): LogFormat {
  return (nodeEnv ?? 'development') === 'development' && stdoutIsTerminal ? 'pretty' : 'json';
}

/**
 * The process's one root logger: JSON lines on stdout (or `destination`, which
 * tests capture), readable lines in development at a terminal. The format is
 * decided from NODE_ENV as loadConfig reads it (unset = development), because
 * the callers pass the level alone.
 */
export function createRootLogger(
  level: LevelWithSilent,
  destination?: DestinationStream,
  format: LogFormat = destination
    ? 'json'
    : logFormatFor(process.env.NODE_ENV, process.stdout.isTTY === true),
): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  return format === 'pretty' ? pino(options, prettyStream()) : pino(options);
}

/** Keys the pretty line shows in its message, so they are not repeated beneath it. */
const SHOWN_IN_LINE = ['pid', 'hostname', 'context', 'req', 'res', 'durationMs', 'requestId'];
const SHOWN_IN_REQUEST_LINE = ['operationName', 'operationType', 'userId'];

/** The fields of a log line that the pretty line puts into its message. */
export interface PrettyLineFields {
  msg?: unknown;
  context?: string;
  requestId?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  durationMs?: number;
  operationName?: string;
  operationType?: string;
  userId?: string;
}

/** `[Server] Embedded PostgreSQL started` / `POST /graphql 200 12ms query WhoAmI user=… request=…`. */
export function prettyMessage(log: PrettyLineFields): string {
  const parts: unknown[] = [];
  if (log.context) parts.push(`[${log.context}]`);
  const { req, res } = log;
  if (req && res && typeof log.durationMs === 'number') {
    parts.push(req.method, req.url, res.statusCode, `${log.durationMs}ms`);
    if (log.operationName || log.operationType) {
      parts.push(log.operationType ?? '?', log.operationName ?? '(anonymous)');
    }
    if (log.userId) parts.push(`user=${log.userId}`);
    if (log.msg !== 'request completed') parts.push('-', log.msg);
  } else {
    parts.push(log.msg);
  }
  if (log.requestId) parts.push(`request=${log.requestId}`);
  return parts.filter((part) => part !== undefined && part !== '').join(' ');
}

/**
 * pino-pretty, a runtime dependency loaded only here: production and the
 * tests never load it. It formats on the main thread, which a developer's
 * terminal can afford, and so can take a function for the line.
 */
function prettyStream(): DestinationStream {
  const require = createRequire(import.meta.url);
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pretty.build({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: SHOWN_IN_LINE.join(','),
    // pino-pretty formats the message before the remaining fields, and `log`
    // is its own parse of the JSON line: what the request line shows is taken
    // out so it is not printed again beneath it (elsewhere these stay fields).
    messageFormat: (log) => {
      const message = prettyMessage(log);
      if (log.res) for (const key of SHOWN_IN_REQUEST_LINE) delete log[key];
      return message;
    },
  });
}

/**
 * pino-http options: one "request completed" line per request with its id,
 * method, path, status, duration, GraphQL operation and user id — no headers.
 */
export function httpLoggerOptions(root: Logger): Options<IncomingMessage, ServerResponse> {
  return {
    logger: root,
    genReqId: requestIdFor,
    // Logs made while handling a request carry its id, not the whole request again.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    // The serializers get the raw request and response and pick two fields
    // each, rather than pino's standard ones building a copy (headers and all)
    // for them to pick from: this runs on every request.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { originalUrl?: string }) => ({
        method: req.method,
        url: pathOf(req.originalUrl ?? req.url ?? ''),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
    customSuccessObject: (req, _res, fields: object) => ({ ...fields, ...requestFacts(req) }),
    customErrorObject: (req, _res, _error, fields: object) => ({ ...fields, ...requestFacts(req) }),
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
  };
}

/**
 * Nest's logger on `root`, for `NestFactory.create({ logger })`: Nest logs
 * from its first line to the JSON log, with nothing held back until start-up
 * finishes. The app's LoggerModule later takes over with the same root.
 */
export function nestLoggerFor(root: Logger): LoggerService {
  return new NestPinoLogger(new PinoLogger({ pinoHttp: httpLoggerOptions(root) }), {});
}

/** The path only: a query string may carry GraphQL variables. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function requestFacts(incoming: IncomingMessage): Record<string, unknown> {
  const req = incoming as Request;
  return {
    operationName: req.graphqlOperation?.name,
    operationType: req.graphqlOperation?.type,
    userId: req.authenticatedUserId,
  };
}
