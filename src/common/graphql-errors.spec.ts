import { Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
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
});
