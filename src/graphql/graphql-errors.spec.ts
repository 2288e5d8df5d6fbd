import { Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';

import { NotAuthenticatedError, TooManyRequestsError } from '../common/errors.js';
import { createErrorFormatter } from './graphql-errors.js';

describe('createErrorFormatter', () => {
  const sqlFailure: GraphQLFormattedError = {
    message: 'duplicate key value violates unique constraint "UQ_users_email"',
    path: ['signUp'],
    extensions: {
      code: 'INTERNAL_SERVER_ERROR',
      stacktrace: ['QueryFailedError: …', '    at PostgresQueryRunner'],
    },
  };

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  afterAll(() => {
    Logger.overrideLogger(['error', 'warn', 'log']);
  });

  it('in production, answers unexpected errors with a bare INTERNAL_SERVER_ERROR: no message, SQL or stack', () => {
    const formatted = createErrorFormatter(true)(sqlFailure, new Error('boom'));

    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['signUp'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('outside production, keeps the message for the developer', () => {
    const formatted = createErrorFormatter(false)(sqlFailure, new Error('boom'));

    expect(formatted.message).toBe(sqlFailure.message);
    expect(formatted.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('passes errors with a contract code through, without a stack trace', () => {
    const unauthenticated: GraphQLFormattedError = {
      message: 'You are not signed in, or your session has ended.',
      extensions: { code: 'UNAUTHENTICATED', stacktrace: ['…'] },
    };

    expect(createErrorFormatter(true)(unauthenticated, undefined)).toEqual({
      message: unauthenticated.message,
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  // An error thrown where no exception filter runs reaches the formatter as it was thrown.
  const thrownBy = (error: Error): GraphQLError => new GraphQLError(error.message, { originalError: error });
  const asApolloFormatsIt = (error: Error): GraphQLFormattedError => ({
    message: error.message,
    path: ['me', 'activeSessionCount'],
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });

  it('gives a domain error that reached it without the filter its own code and details', () => {
    const error = new TooManyRequestsError(30);

    expect(createErrorFormatter(true)(asApolloFormatsIt(error), thrownBy(error))).toEqual({
      message: error.message,
      path: ['me', 'activeSessionCount'],
      locations: undefined,
      extensions: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 30 },
    });
    expect(
      createErrorFormatter(true)(
        asApolloFormatsIt(new NotAuthenticatedError()),
        thrownBy(new NotAuthenticatedError()),
      ).extensions?.code,
    ).toBe('UNAUTHENTICATED');
  });

  it('answers a database that cannot be reached with SERVICE_UNAVAILABLE, without its address', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });

    const formatted = createErrorFormatter(true)(asApolloFormatsIt(refused), thrownBy(refused));

    expect(formatted.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(formatted.message).not.toContain('10.0.0.5');
  });
});
