import type { ApolloServerPlugin } from '@apollo/server';
import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType, GqlExceptionFilter } from '@nestjs/graphql';
import type { FastifyReply } from 'fastify';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';

import { isDatabaseUnavailable } from '../common/database-errors.js';
import { DOMAIN_ERROR_CODES, DomainError, ServiceUnavailableError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { httpRefusalOf, sendHttpError } from '../http/http-errors.js';
import { cappedErrors, clientMistakeOf, withoutEchoedValue } from './client-errors.js';
import type { GraphqlContext } from './graphql-context.js';

/** Codes the contract lets a client see; anything else is an internal failure. */
const PUBLIC_CODES: ReadonlySet<string> = new Set<string>([
  ...DOMAIN_ERROR_CODES,
  // Raised by GraphQL itself before any resolver runs.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR';

/**
 * The one mapping from what went wrong to what the client is told: domain
 * errors keep their code, a database that cannot answer becomes
 * SERVICE_UNAVAILABLE, and anything else is unexpected (`null`).
 */
export function toDomainError(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  if (isDatabaseUnavailable(error)) return new ServiceUnavailableError(error);
  return null;
}

function toGraphqlError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, ...error.details },
  });
}

/**
 * Applies `toDomainError` to whatever a resolver or guard throws; answers
 * HTTP-level refusals in the GraphQL error shape.
 */
@Catch()
export class DomainErrorFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  constructor(@InjectConfig() private readonly config: AppConfig) {
    super();
  }

  override catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() !== 'graphql') return this.catchHttp(error, host);
    const domainError = toDomainError(error);
    // Returning (not throwing) the error is how a GraphQL exception filter answers.
    return domainError ? toGraphqlError(domainError) : error;
  }

  /**
   * A refusal before any GraphQL ran (a body too large, not JSON, an unknown
   * path) in the shape GraphQL clients read, with the request id; anything
   * else (the health checks' answers, a server fault) as Nest answers it.
   */
  private catchHttp(error: unknown, host: ArgumentsHost): void {
    const refusal = httpRefusalOf(error, this.config.requestBodyLimitBytes);
    if (!refusal) return super.catch(error, host);
    sendHttpError(
      host.switchToHttp().getResponse<FastifyReply>(),
      refusal.status,
      refusal.code,
      refusal.message,
    );
  }
}

/**
 * What was thrown, behind the GraphQLErrors wrapped around it (graphql-js
 * wraps even the GraphQLError our filter returns, to add its path).
 */
function originalOf(error: unknown): unknown {
  let original = error;
  while (original instanceof GraphQLError && original.originalError) original = original.originalError;
  return original;
}

function isPublic(formatted: GraphQLFormattedError): boolean {
  const code = formatted.extensions?.code;
  return typeof code === 'string' && PUBLIC_CODES.has(code);
}

/**
 * Apollo's `formatError`: errors with a public code pass through; so do
 * domain errors that reached it without the filter (a resolver wired without
 * Nest's enhancers, e.g. if `fieldResolverEnhancers` is ever narrowed).
 * Anything else is an unexpected failure and, in
 * production, is answered as a bare INTERNAL_SERVER_ERROR with no message,
 * stack or SQL (it is logged by `createErrorLoggingPlugin`).
 */
export function createErrorFormatter(isProduction: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isPublic(formatted)) {
      return withoutStacktrace({ ...formatted, message: withoutEchoedValue(formatted.message) });
    }
    const mistake = clientMistakeOf(formatted.message);
    if (mistake) {
      return { message: mistake.answer, locations: formatted.locations, extensions: { code: mistake.code } };
    }
    const domainError = toDomainError(originalOf(error));
    if (domainError) {
      return {
        message: domainError.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: domainError.code, ...domainError.details },
      };
    }
    if (!isProduction)
      return { ...formatted, extensions: { ...formatted.extensions, code: INTERNAL_SERVER_ERROR } };
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: INTERNAL_SERVER_ERROR },
    };
  };
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions?.stacktrace) return formatted;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

const logger = new Logger('GraphQL');

function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return [code, message].filter((part) => typeof part === 'string').join(' ') || String(error);
}

/**
 * Logs every unexpected error with its stack and the request id; the
 * logging plugin returns that id in `extensions.requestId`, so a user's report
 * ("it failed, request 3f2a…") leads to the log line without the response
 * revealing anything.
 */
export function createErrorLoggingPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        // One bad input must not become a long list of errors to send.
        willSendResponse({ response }) {
          const body = response.body;
          if (body.kind === 'single' && body.singleResult.errors) {
            body.singleResult.errors = cappedErrors(body.singleResult.errors);
          }
          return Promise.resolve();
        },
        didEncounterErrors({ errors, contextValue }) {
          const requestId = contextValue.req?.id ?? 'unknown';
          for (const error of errors) {
            const original = originalOf(error);
            const domainError = toDomainError(original);
            if (domainError instanceof ServiceUnavailableError) {
              // Expected while the database is down: one line, with the driver's reason.
              logger.warn(`Database unavailable: ${describe(domainError.cause)} (request ${requestId})`);
              continue;
            }
            const code = error.extensions?.code;
            if (domainError || (typeof code === 'string' && PUBLIC_CODES.has(code))) continue;
            if (clientMistakeOf(error.message)) {
              // The client's mistake, not ours: no stack, and below error level.
              logger.warn(`Client error: ${error.message.slice(0, 200)} (request ${requestId})`);
              continue;
            }
            logger.error(
              `${error.message} (request ${requestId})`,
              original instanceof Error ? original.stack : undefined,
            );
          }
          return Promise.resolve();
        },
      });
    },
  };
}
