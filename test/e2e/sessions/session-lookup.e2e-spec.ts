import { expect } from '@jest/globals';

import { createUser } from '../../support/factories.js';
import { type GraphqlResponse, useTestApp } from '../../support/test-app.js';

/**
 * Concurrent requests share the statement that looks their sessions up
 * (CoalescingLookup). Sharing a statement must never mean sharing an answer.
 * The service-level cases (wrong secrets, expired and unknown sessions in one
 * batch) are in test/integration/session-lookup.integration-spec.ts.
 */
describe('session lookups of concurrent requests', () => {
  const app = useTestApp();

  it('never crosses answers between requests arriving together over HTTP', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => createUser(app)));
    // Each user asks several times at once, interleaved with the others.
    const asked = Array.from({ length: 5 }, () => users).flat();

    let responses: Array<GraphqlResponse<{ me: { id: string; email: string } }>> = [];
    const statements = await app.statementsDuring(async () => {
      responses = await Promise.all(
        asked.map((user) =>
          app.gql<{ me: { id: string; email: string } }>('{ me { id email } }', {}, { token: user.token }),
        ),
      );
    });

    expect(responses.map((response) => response.data?.me)).toEqual(
      asked.map((user) => ({ id: user.id, email: user.email })),
    );
    // Had nothing been shared, each request would have sent its own lookup and
    // the check above would prove nothing about crossing answers.
    const lookups = statements.filter(({ text }) => /\bFROM sessions s JOIN users\b/.test(text));
    const idsPerLookup = lookups.map(({ values }) => (values[0] as string[]).length);
    expect(idsPerLookup.reduce((sum, ids) => sum + ids, 0)).toBe(asked.length);
    expect(lookups.length).toBeLessThan(asked.length);
  });
});
