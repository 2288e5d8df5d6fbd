import { createRequire } from 'node:module';

import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';

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

/** The request line's level: a server fault is an error, anything else (a refusal included) is news. */
function levelFor(statusCode: number): 'error' | 'info' {
  return statusCode >= 500 ? 'error' : 'info';
}

/**
 * One "request completed" line per request, written when the response is
 * done: its id, method, path, status, duration, GraphQL operation and user
 * id — no headers, no body. A Fastify hook on the root logger: no child
 * logger, no serializer pass and no copy of the request per request.
 */
export function logEveryRequest(fastify: FastifyInstance, root: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const level = levelFor(reply.statusCode);
    if (root.isLevelEnabled(level)) root[level](requestLine(request, reply), 'request completed');
    done();
  });
}

/** The fields of the request line. */
export function requestLine(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  return {
    requestId: request.id,
    req: { method: request.method, url: pathOf(request.url) },
    res: { statusCode: reply.statusCode },
    durationMs: Math.round(reply.elapsedTime),
    operationName: request.graphqlOperation?.name,
    operationType: request.graphqlOperation?.type,
    userId: request.authenticatedUserId,
  };
}

/**
 * Nest's logger on `root`, for `NestFactory.create({ logger })` and
 * `app.useLogger()`: Nest's own lines and every `new Logger(…)` in the code
 * go to the JSON log from the first line, with nothing held back until
 * start-up finishes.
 */
export function nestLoggerFor(root: Logger): LoggerService {
  return new NestPinoLogger(new PinoLogger({ pinoHttp: { logger: root } }), {});
}

/** The path only: a query string may carry GraphQL variables. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
