import { expect } from '@jest/globals';

import {
  describeHostileRequests,
  json,
  operation,
  send,
  SIGN_OUT_OTHERS,
} from '../../support/hostile-requests.js';

describeHostileRequests(
  'hostile requests: the HTTP envelope (body, content type, method, size)',
  (victim) => [
    // The envelope
    [
      'malformed JSON',
      () => ({ contentType: 'application/json', body: '{"query": "{ me { id } }' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a JSON string instead of an object',
      () => ({ contentType: 'application/json', body: '"{ me { id } }"' }),
      400,
      'BAD_REQUEST',
    ],
    ['an empty JSON body', () => ({ contentType: 'application/json', body: '' }), 400, 'BAD_REQUEST'],
    ['a JSON object with no query', () => json({ variables: {} }), 400, 'BAD_REQUEST'],
    ['a query that is not a string', () => json({ query: { me: true } }), 400, 'BAD_REQUEST'],
    [
      'text/plain (a cross-site form)',
      () => ({ contentType: 'text/plain', body: JSON.stringify({ query: SIGN_OUT_OTHERS }) }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a url-encoded form',
      () => ({
        contentType: 'application/x-www-form-urlencoded',
        body: `query=${encodeURIComponent(SIGN_OUT_OTHERS)}`,
      }),
      400,
      'BAD_REQUEST',
    ],
    [
      'multipart/form-data',
      () => ({ contentType: 'multipart/form-data; boundary=x', body: '--x--' }),
      415,
      'BAD_REQUEST',
    ],
    [
      'application/xml',
      () => ({ contentType: 'application/xml', body: '<query>{ me { id } }</query>' }),
      415,
      'BAD_REQUEST',
    ],
    [
      'an unknown charset',
      // A mutation the victim's token could run: refused before it is read.
      () => ({
        contentType: 'application/json; charset=ebcdic',
        body: JSON.stringify({ query: SIGN_OUT_OTHERS }),
        headers: { authorization: `Bearer ${victim.user.token}` },
      }),
      415,
      'BAD_REQUEST',
    ],
    [
      'a batch (JSON array) of operations',
      () => ({
        contentType: 'application/json',
        body: JSON.stringify([{ query: '{ me { id } }' }, { query: SIGN_OUT_OTHERS }]),
      }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a mutation over GET',
      () => ({
        method: 'GET',
        search: `?query=${encodeURIComponent(SIGN_OUT_OTHERS)}`,
        headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${victim.user.token}` },
      }),
      405,
      'BAD_REQUEST',
    ],
    [
      'a mutation over GET without a preflight header (CSRF)',
      () => ({ method: 'GET', search: `?query=${encodeURIComponent(SIGN_OUT_OTHERS)}` }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a body over 16 KiB',
      () => operation('{ me { id } }', { padding: 'x'.repeat(17 * 1024) }),
      413,
      'BAD_REQUEST',
    ],
  ],
  ({ app, cases }) => {
    it.each([
      ['a body over 16 KiB', /larger than the 16384 bytes allowed/],
      ['a batch (JSON array) of operations', /batching disabled/],
    ])('names the limit that %s exceeds', async (name, message) => {
      const [, request] = cases().find(([caseName]) => caseName === name)!;

      const outcome = await send(app, request());

      expect(outcome.messages).toContainEqual(expect.stringMatching(message));
    });
  },
);
