import { createUser } from '../../support/factories.js';
import { closeAll, startTwoInstances } from '../../support/live-client.js';
import {
  addPasskey,
  expectRefusedOn,
  passkeyRowsOf,
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

  it.each([
    ['on one instance', () => [a, a]],
    ['on two instances', () => [a, b]],
  ])('makes exactly one session %s', async (_, instances) => {
    const [first, second] = instances();
    const user = await createUser(a);
    const authenticator = testAuthenticator();
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
    // Registration sent 1, each round's one answer one more.
    expect((await passkeyRowsOf(a, [user.id]))[0].counter).toBe('6');
  });
});
