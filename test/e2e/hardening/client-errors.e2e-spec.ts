import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';

import { useTestApp } from '../../support/test-app.js';

const SIGN_IN = 'mutation($i: SignInInput!) { signIn(input: $i) { token } }';
const PASSWORD = 'the password that must never come back';

/** A sign-in input with `count` keys the type does not have, under the body limit. */
function wideInput(count: number): Record<string, string> {
  const input: Record<string, string> = { email: 'someone@example.com', password: PASSWORD };
  for (let i = 0; i < count; i++) input[`k${i}`] = 'v';
  return input;
}

describe('errors the client caused', () => {
  const app = useTestApp();
  let errorLog: jest.SpiedFunction<Logger['error']>;

  beforeEach(() => {
    errorLog = jest.spyOn(Logger.prototype, 'error');
  });

  afterEach(() => {
    errorLog.mockRestore();
  });

  it('names the variable, the path and the problem of bad variables, never echoing the value', async () => {
    const response = await app.gql(SIGN_IN, { i: { ...wideInput(1) } });

    expect(response.status).toBe(400);
    expect(response.errors?.map(({ message, extensions }) => ({ message, code: extensions?.code }))).toEqual([
      {
        message: 'Variable "$i" got invalid value; Field "k0" is not defined by type "SignInInput".',
        code: 'BAD_USER_INPUT',
      },
    ]);
    expect(response.text).not.toContain(PASSWORD);
  });

  it('answers a body of many unknown keys with a few short errors, not one copy of the input per key', async () => {
    const input = wideInput(1_200);
    const body = JSON.stringify({ query: SIGN_IN, variables: { i: input } });
    expect(body.length).toBeLessThan(16 * 1024);

    const response = await app.gql(SIGN_IN, { i: input });

    expect(response.status).toBe(400);
    expect(response.errors?.length).toBeLessThanOrEqual(10);
    expect(response.errors?.at(-1)?.message).toMatch(/^…and \d+ more errors like these\.$/);
    expect(response.text).not.toContain(PASSWORD);
    // Smaller than the request: nothing is repeated per key.
    expect(response.text.length).toBeLessThan(body.length);
    expect(errorLog).not.toHaveBeenCalled();
  });

  it('answers a subscription sent over HTTP with BAD_REQUEST, pointing to WebSocket, logging no error', async () => {
    const response = await app.gql('subscription { currentSessionEnded { reason } }');

    expect(response.errors?.map(({ message, extensions }) => ({ message, code: extensions?.code }))).toEqual([
      {
        message: 'Subscriptions are served over WebSocket (graphql-ws) on /graphql, not over HTTP.',
        code: 'BAD_REQUEST',
      },
    ]);
    expect(response.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
    expect(errorLog).not.toHaveBeenCalled();
  });

  it('does not do persisted queries: an unknown hash is PERSISTED_QUERY_NOT_SUPPORTED', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    });
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };

    expect(body.errors[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    expect(errorLog).not.toHaveBeenCalled();
  });
});
