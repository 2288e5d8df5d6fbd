import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * An HTTP-level refusal, in the shape GraphQL clients already read:
 * `errors[0].extensions.code`, and the request id a bug report can quote.
 */
export function sendHttpError(reply: FastifyReply, status: number, code: string, message: string): void {
  void reply.code(status).send({ errors: [{ message, extensions: { code, requestId: reply.request.id } }] });
}

interface HttpLevelError {
  readonly statusCode?: unknown;
  readonly code?: unknown;
  readonly cause?: unknown;
  getStatus?(): number;
}

export interface HttpRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/**
 * The client's mistake found before any GraphQL ran — Fastify's body and
 * route errors (400, 404, 413, 415 …), as Nest hands them to its exception
 * filters — as a status, a code and a message that names no internals; `null`
 * for anything else (a server fault, which keeps Nest's own answer).
 */
export function httpRefusalOf(exception: unknown, bodyLimitBytes: number): HttpRefusal | null {
  const error = (exception ?? {}) as HttpLevelError;
  const status = typeof error.getStatus === 'function' ? error.getStatus() : error.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  const cause = (error.cause ?? error) as HttpLevelError;
  const fastifyCode = typeof cause.code === 'string' ? cause.code : '';
  return {
    status,
    code: status === 404 ? 'NOT_FOUND' : status === 403 ? 'FORBIDDEN' : 'BAD_REQUEST',
    message: messageFor(status, fastifyCode, bodyLimitBytes),
  };
}

function messageFor(status: number, fastifyCode: string, bodyLimitBytes: number): string {
  switch (fastifyCode) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `The request body is larger than the ${bodyLimitBytes} bytes allowed.`;
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The request body is not valid JSON.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'The request body has an unsupported content type.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is empty.';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The request body does not match its Content-Length.';
    default:
      break;
  }
  switch (status) {
    case 400:
      return 'The request body could not be read.';
    case 404:
      return 'Not found.';
    case 405:
      return 'This method is not allowed here.';
    case 413:
      return `The request body is larger than the ${bodyLimitBytes} bytes allowed.`;
    case 415:
      return 'The request body has an unsupported content type.';
    default:
      return 'The request was refused.';
  }
}

/**
 * onSend hook: an error answer that Apollo made before any plugin could see
 * the request (CSRF prevention, a refused batch) gets the request id in each
 * error, like every other refusal. Only answers of 400 and above are read;
 * a successful one passes untouched.
 */
export function addRequestIdToErrorAnswers(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
): void {
  if (reply.statusCode < 400 || typeof payload !== 'string' || payload.includes('"requestId"')) {
    return done(null, payload);
  }
  let body: { errors?: unknown };
  try {
    body = JSON.parse(payload) as { errors?: unknown };
  } catch {
    return done(null, payload);
  }
  if (!Array.isArray(body.errors)) return done(null, payload);
  body.errors = (body.errors as Array<{ extensions?: object }>).map((error) => ({
    ...error,
    extensions: { ...error.extensions, requestId: request.id },
  }));
  done(null, JSON.stringify(body));
}
