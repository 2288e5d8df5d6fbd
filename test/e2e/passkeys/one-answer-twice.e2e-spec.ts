import { createUser } from '../../support/factories.js';
import { closeAll, startTwoInstances } from '../../support/live-client.js';
import {
  addPasskey,
  expectRefusedOn,
  sendPasskeySignIn,
  signInOptions,
  testAuthenticator,
} from '../../support/passkeys.js';
import type { TestApp } from '../../support/test-app.js';

/**
 * A challenge is single use: one answer sent twice at once (a double click, a
 * replay racing the real request, two instances behind a load balancer) signs
 * in once. The loser is refused like any spent challenge, not with a server error.
 */
describe('one passkey answer sent twice at the same time', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    ({ a, b } = await startTwoInstances());
  });

  afterAll(async () => {
    await closeAll([], b, a);
  });

  async function sessionCount(userId: string): Promise<number> {
    const [row] = await a.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM sessions WHERE user_id = $1',
      [userId],
    );
    return row.count;
  }

  // A synced passkey sends 0 every time, so only the spent challenge refuses the second copy;
  // a counting one would be refused by its counter as well (the same value twice).
  it.each([
    ['on one instance', 'zero', () => [a, a]],
    ['on two instances', 'zero', () => [a, b]],
    ['on two instances, from a passkey that counts', 'increment', () => [a, b]],
  ] as const)('makes exactly one session %s (counter: %s)', async (_, counter, instances) => {
    const [first, second] = instances();
    const user = await createUser(a);
    const authenticator = testAuthenticator({ counter });
    await addPasskey(a, user, authenticator);

    // Several rounds: one lucky ordering must not pass for the rule.
    for (let round = 1; round <= 5; round++) {
      const before = await sessionCount(user.id);
      const response = authenticator.getAssertion(await signInOptions(first));

      const answers = await Promise.all([
        sendPasskeySignIn(first, response),
        sendPasskeySignIn(second, response),
      ]);

      const won = answers.filter((answer) => answer.data?.signInWithPasskey);
      expect(won).toHaveLength(1);
      expectRefusedOn(
        answers.find((answer) => answer.errors)!,
        'response',
      );
      expect(await sessionCount(user.id)).toBe(before + 1);
    }
  });
});
