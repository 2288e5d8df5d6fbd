import type { IncomingMessage, ServerResponse } from 'node:http';

import { pino } from 'pino';

import { httpLoggerOptions, logFormatFor, prettyMessage } from './logger.js';

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

describe('the request serializers', () => {
  const { serializers } = httpLoggerOptions(pino({ level: 'silent' })) as {
    serializers: Record<'req' | 'res', (value: unknown) => unknown>;
  };

  it('keep the method and the path, and no headers, query string or address', () => {
    const req = {
      method: 'POST',
      url: '/graphql?query=secret',
      originalUrl: '/graphql?query=secret',
      headers: { authorization: 'Bearer secret', cookie: 'session=secret' },
      socket: { remoteAddress: '127.0.0.1' },
    } as unknown as IncomingMessage;
    const res = {
      statusCode: 200,
      getHeaders: () => ({ 'set-cookie': 'session=secret' }),
    } as unknown as ServerResponse;

    expect(serializers.req(req)).toEqual({ method: 'POST', url: '/graphql' });
    expect(serializers.res(res)).toEqual({ statusCode: 200 });
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
