import { randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';

import { describeHostileRequests, fragmentBomb, operation, send } from '../../support/hostile-requests.js';

describeHostileRequests(
  'hostile requests: GraphQL documents past the limits',
  (victim) => [
    // The document
    ['a syntax error', () => operation('{ me { id '), 400, 'GRAPHQL_PARSE_FAILED'],
    [
      '10k aliases of activeSessionCount (250 kB)',
      () =>
        operation(
          `{ me { ${Array.from({ length: 10_000 }, (_, i) => `a${i}: activeSessionCount`).join(' ')} } }`,
        ),
      413,
      'BAD_REQUEST',
    ],
    [
      '700 aliases of one field, under the body limit',
      () => operation(`{ me { ${'a:activeSessionCount '.repeat(700)} } }`),
      400,
      'GRAPHQL_PARSE_FAILED',
    ],
    [
      '16 aliases, one over the limit',
      () =>
        operation(
          `{ me { ${Array.from({ length: 16 }, (_, i) => `a${i}: activeSessionCount`).join(' ')} } }`,
          {},
          { authorization: `Bearer ${victim.user.token}` },
        ),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      '16 aliased sign-ups in one request',
      () =>
        operation(
          `mutation { ${Array.from({ length: 16 }, (_, i) => `s${i}: signUp(input: { email: "s${i}-${randomUUID()}@example.com", password: "long enough password" }) { token }`).join(' ')} }`,
        ),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      '2000 tokens of one field, without aliases',
      () => operation(`{ me { ${'id '.repeat(2_000)} } }`),
      400,
      'GRAPHQL_PARSE_FAILED',
    ],
    [
      'a query 40 levels deep',
      () => operation(`{ me { ${'a { '.repeat(40)} id ${'} '.repeat(40)} } }`),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'a fragment bomb (10^4 fields from 40 spreads)',
      () => operation(fragmentBomb(4)),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'fragments that spread each other',
      () => operation('{ me { ...A } } fragment A on User { id ...B } fragment B on User { ...A }'),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      '60 directives',
      () => operation(`{ me { id ${'@include(if: true) '.repeat(60)} } }`),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['an unknown field', () => operation('{ me { passwordHash } }'), 400, 'GRAPHQL_VALIDATION_FAILED'],
  ],
  ({ app, victim, cases }) => {
    it.each([
      ['16 aliases, one over the limit', /Aliases limit of 15 exceeded, found 16/],
      ['a query 40 levels deep', /Query depth limit of 6 exceeded/],
      ['2000 tokens of one field, without aliases', /more that 1000 tokens/],
      ['a fragment bomb (10^4 fields from 40 spreads)', /Query Cost limit of 5000 exceeded/],
      ['60 directives', /Directives limit of 50 exceeded/],
    ])('names the limit that %s exceeds', async (name, message) => {
      const [, request] = cases().find(([caseName]) => caseName === name)!;

      const outcome = await send(app, request());

      expect(outcome.messages).toContainEqual(expect.stringMatching(message));
    });

    it('counts depth by fields, not fragment spreads: nested fragments as Apollo clients write them are served', async () => {
      // Three levels of fields (me → sessions → id), seven counting each spread as a level.
      const response = await app.gql(
        `query Me { me { ...Account } }
         fragment Account on User { id activeSessionCount ...AccountSessions }
         fragment AccountSessions on User { sessions { ...Device } }
         fragment Device on Session { ...DeviceName ...DeviceActivity }
         fragment DeviceName on Session { id browser os }
         fragment DeviceActivity on Session { ...DeviceTimes }
         fragment DeviceTimes on Session { lastActiveAt current }`,
        {},
        { token: victim().user.token },
      );

      expect(response.errors).toBeUndefined();
      expect(response.data).toMatchObject({ me: { activeSessionCount: 2, sessions: expect.any(Array) } });
    });
  },
);
