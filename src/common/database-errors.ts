import { QueryFailedError } from 'typeorm';

/** Socket failures: the server is down, unreachable, or went away mid-request. */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs that mean "not now" rather than "wrong request": class 08 is a
 * connection exception; 57P01-57P03 a server shutting down, crashed or
 * starting; 53300 no free connection slot; 57014 a statement cancelled by
 * `statement_timeout`.
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53300|57014)$/;

/**
 * node-postgres reports its own timeouts and lost connections with a message
 * and no code, so these are matched by message.
 */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect', // pg-pool: no client became free in time
  'Connection terminated', // also "… unexpectedly" and "… due to connection timeout"
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  // A client the pool already ended after its connection failed, still held by a query runner.
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

/**
 * Whether an error means the database cannot answer right now (as opposed to
 * a bug or a constraint violation). Such requests answer SERVICE_UNAVAILABLE.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  // Duck-typed, not `instanceof Error`: socket errors are made by Node's own
  // realm, which is not the test runner's (Jest runs modules in a vm context).
  if (typeof cause !== 'object' || cause === null) return false;
  const { code, message } = cause as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) {
    return true;
  }
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((known) => message.startsWith(known));
}
