import type { FastifyReply, FastifyRequest } from 'fastify';

import { logFormatFor, prettyMessage, requestLine } from './logger.js';

describe('logFormatFor', () => {
  it.each([
    ['development', true, 'pretty'],
    [undefined, true, 'pretty'],
    ['development', false, 'json'],
    ['production', true, 'json'],
    ['test', true, 'json'],
  ] as const)('NODE_ENV=%s, stdout a terminal: %s → %s', (nodeEnv, terminal, format) => {
    expect(logFormatFor(nodeEnv, terminal)).toBe(format);
  });
});

describe('the request line', () => {
  it('keeps the method and the path, and no headers, query string or address', () => {
    const request = {
      id: 'r-1',
      method: 'POST',
      url: '/graphql?query=secret',
      headers: { authorization: 'Bearer secret', cookie: 'session=secret' },
      ip: '127.0.0.1',
      graphqlOperation: { name: 'WhoAmI', type: 'query' },
      authenticatedUserId: 'u-1',
    } as unknown as FastifyRequest;
    const reply = {
      statusCode: 200,
      elapsedTime: 12.4,
      getHeaders: () => ({ 'set-cookie': 'session=secret' }),
    } as unknown as FastifyReply;

    expect(requestLine(request, reply)).toEqual({
      requestId: 'r-1',
      req: { method: 'POST', url: '/graphql' },
      res: { statusCode: 200 },
      durationMs: 12,
      operationName: 'WhoAmI',
      operationType: 'query',
      userId: 'u-1',
    });
  });
});

describe('prettyMessage', () => {
  it('writes a request line as method, path, status, duration, operation, user and request id', () => {
    expect(
      prettyMessage({
        msg: 'request completed',
        requestId: 'f1e2',
        req: { method: 'POST', url: '/graphql' },
        res: { statusCode: 200 },
        durationMs: 12,
        operationName: 'WhoAmI',
        operationType: 'query',
        userId: 'u-1',
      }),
    ).toBe('POST /graphql 200 12ms query WhoAmI user=u-1 request=f1e2');
  });

  it('writes any other line as its context and message', () => {
    expect(prettyMessage({ context: 'Server', msg: 'Embedded PostgreSQL started' })).toBe(
      '[Server] Embedded PostgreSQL started',
    );
  });
});
