import WebSocket from 'ws';

import { createUser } from '../../support/factories.js';
import { useTestApp } from '../../support/test-app.js';

interface ErrorMessage {
  id?: string;
  type: string;
  payload?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Signs a bare graphql-ws socket in, sends one subscribe, and returns the errors it is answered with. */
async function subscribeErrors(
  url: string,
  token: string,
  query: string,
): Promise<{ requestId: string | undefined; errors: ErrorMessage['payload'] }> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  let requestId: string | undefined;
  socket.on('upgrade', (response) => (requestId = response.headers['x-request-id'] as string | undefined));
  const messages: ErrorMessage[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as ErrorMessage));
  await new Promise((resolve) => socket.on('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  while (!messages.some((message) => message.type === 'connection_ack')) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
  while (!messages.some((message) => message.id === '1'))
    await new Promise((resolve) => setTimeout(resolve, 10));
  socket.close();
  const answer = messages.find((message) => message.id === '1');
  expect(answer?.type).toBe('error');
  return { requestId, errors: answer?.payload };
}

describe('errors over WebSocket in production: formatted and masked as over HTTP', () => {
  const app = useTestApp({ NODE_ENV: 'production' });

  it('hides field suggestions and gives the code and request id, as HTTP does', async () => {
    const alice = await createUser(app);
    const overHttp = await app.gql('{ me { emai } }', {}, { token: alice.token });

    const overSocket = await subscribeErrors(
      app.url,
      alice.token,
      'subscription { accountSessionsChanged { emai } }',
    );

    expect(overHttp.errors?.[0]?.message).not.toMatch(/Did you mean/);
    expect(overSocket.errors).toEqual([
      {
        message: overHttp.errors?.[0]?.message,
        locations: [{ line: 1, column: 41 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: overSocket.requestId },
      },
    ]);
    expect(overSocket.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(overSocket.errors)).not.toMatch(/Did you mean|email/);
  });

  it('answers a document that does not parse with GRAPHQL_PARSE_FAILED and the request id', async () => {
    const alice = await createUser(app);

    const { requestId, errors } = await subscribeErrors(
      app.url,
      alice.token,
      'subscription { currentSessionEnded {',
    );

    expect(errors).toEqual([
      expect.objectContaining({ extensions: { code: 'GRAPHQL_PARSE_FAILED', requestId } }),
    ]);
    expect(errors?.[0]?.message).toMatch(/^Syntax Error/);
  });

  it('adds the request id to its own refusals too', async () => {
    const alice = await createUser(app);

    const { requestId, errors } = await subscribeErrors(app.url, alice.token, '{ me { id } }');

    expect(errors).toEqual([
      {
        message: 'Only subscriptions are served over WebSocket: send queries and mutations over HTTP.',
        extensions: { code: 'BAD_REQUEST', requestId },
      },
    ]);
  });
});
