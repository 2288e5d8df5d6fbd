import { expect } from '@jest/globals';

import { SIGN_OUT_OTHERS } from '../../support/hostile-requests.js';
import { rawRequest, type RawRequestOptions } from '../../support/raw-http.js';
import { useTestApp } from '../../support/test-app.js';

const JSON_TYPE = { 'content-type': 'application/json' };

// Every refusal made before GraphQL runs, with the status it gets.
const REFUSALS: Array<[string, RawRequestOptions, number]> = [
  [
    'a cross-site mutation',
    {
      headers: { ...JSON_TYPE, origin: 'https://evil.example' },
      body: JSON.stringify({ query: SIGN_OUT_OTHERS }),
    },
    403,
  ],
  [
    'a text/plain form (CSRF)',
    { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: SIGN_OUT_OTHERS }) },
    400,
  ],
  ['a body over the limit', { headers: JSON_TYPE, body: JSON.stringify({ query: 'x'.repeat(20_000) }) }, 413],
  ['a batch of operations', { headers: JSON_TYPE, body: JSON.stringify([{ query: '{ me { id } }' }]) }, 400],
  [
    'a mutation over GET',
    {
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent(SIGN_OUT_OTHERS)}`,
      headers: { 'apollo-require-preflight': 'true' },
    },
    405,
  ],
  ['malformed JSON', { headers: JSON_TYPE, body: '{"query":' }, 400],
  [
    'a charset other than UTF-8',
    { headers: { 'content-type': 'application/json; charset=latin1' }, body: '{}' },
    415,
  ],
  ['an unsupported content type', { headers: { 'content-type': 'application/xml' }, body: '<q/>' }, 415],
  ['an unknown path', { method: 'GET', path: '/no-such-thing' }, 404],
  [
    'a Host this server does not answer to',
    { method: 'GET', path: '/graphql?query=%7B__typename%7D', headers: { host: 'evil.test' } },
    403,
  ],
];

describe('refusals before GraphQL runs', () => {
  const app = useTestApp({ GRAPHQL_IDE: 'false' });

  it.each(REFUSALS)(
    'answer %s in the GraphQL error shape, carrying the request id of the X-Request-Id header',
    async (_name, request, status) => {
      const response = await rawRequest(app.url, request);

      expect(response.status).toBe(status);
      const requestId = response.headers['x-request-id'];
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.errors?.length).toBeGreaterThan(0);
      for (const error of response.errors ?? []) {
        expect(error.extensions).toMatchObject({ code: expect.any(String), requestId });
      }
      expect(response.text).not.toMatch(/at .*\.js:\d+|node_modules|FST_ERR/);
    },
  );
});
