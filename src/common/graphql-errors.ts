import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { DOMAIN_ERROR_CODES, DomainError } from './errors.js';

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

/** Turns domain errors into GraphQL errors: the one place codes become `extensions.code`. */
@Catch(DomainError)
export class DomainErrorFilter implements GqlExceptionFilter {
  catch(error: DomainError, _host: ArgumentsHost): GraphQLError {
    return new GraphQLError(error.message, {
      originalError: error,
      extensions: { code: error.code, ...error.details },
    });
  }
}

const logger = new Logger('GraphQL');

/**
 * Apollo's `formatError`: errors with a public code pass through; anything
 * else is an unexpected failure, logged here and, in production, answered as a
 * bare INTERNAL_SERVER_ERROR with no message, stack or SQL.
 */
export function createErrorFormatter(isProduction: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) return withoutStacktrace(formatted);
    logger.error(formatted.message, (error as { originalError?: Error }).originalError?.stack);
    if (!isProduction)
      return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions?.stacktrace) return formatted;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
