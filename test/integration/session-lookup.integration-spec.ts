import { randomUUID } from 'node:crypto';

import { expect } from '@jest/globals';

import { SessionsService } from '../../src/sessions/sessions.service.js';
import { issueSession, signUpUser } from '../support/accounts.js';
import { addSessions, type TestUser } from '../support/factories.js';
import { useTestModule } from '../support/test-module.js';

const sessionIdOf = (token: string): string => token.split('.')[0];
const secretOf = (token: string): string => token.split('.')[1];

/**
 * Concurrent requests share the statement that looks their sessions up
 * (CoalescingLookup). Sharing a statement must never mean sharing an answer:
 * each token gets its own session and user, or nothing.
 */
describe('session lookups of concurrent requests', () => {
  const module = useTestModule();
  let sessions: SessionsService;

  beforeAll(() => {
    sessions = module.get(SessionsService);
  });

  it('answers each token with its own session and user, or null, from one statement', async () => {
    const [alice, bob, carol, dave] = await Promise.all([1, 2, 3, 4].map(() => signUpUser(module)));
    const bobsLaptop = await issueSession(module, bob);
    await module.sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      sessionIdOf(dave.token),
    ]);
    const tokens = {
      alice: alice.token,
      bob: bob.token,
      bobsLaptop: bobsLaptop.token,
      // Carol's session id with Alice's secret: a real id, the wrong proof.
      carolWithAlicesSecret: `${sessionIdOf(carol.token)}.${secretOf(alice.token)}`,
      daveExpired: dave.token,
      unknownId: `${randomUUID()}.${secretOf(alice.token)}`,
      // The same token twice in one batch.
      aliceAgain: alice.token,
    };

    let results: Record<string, Awaited<ReturnType<SessionsService['authenticate']>>> = {};
    const statements = await module.statementsDuring(async () => {
      // Asked for in the same turn of the event loop, as concurrent requests would.
      const answers = await Promise.all(Object.values(tokens).map((token) => sessions.authenticate(token)));
      results = Object.fromEntries(Object.keys(tokens).map((name, i) => [name, answers[i]]));
    });

    expect(statements).toHaveLength(1);
    const own = (user: TestUser, token: string) => ({
      user: { id: user.id, email: user.email, createdAt: expect.any(Date) },
      session: expect.objectContaining({ id: sessionIdOf(token), userId: user.id }),
    });
    expect(results).toEqual({
      alice: own(alice, alice.token),
      bob: own(bob, bob.token),
      bobsLaptop: own(bob, bobsLaptop.token),
      carolWithAlicesSecret: null,
      daveExpired: null,
      unknownId: null,
      aliceAgain: own(alice, alice.token),
    });
  });

  it("counts the active sessions of concurrent requests' users in one statement, each its own", async () => {
    const [alice, bob, carol] = await Promise.all([1, 2, 3].map(() => signUpUser(module)));
    await addSessions(module, alice, 2);
    await addSessions(module, carol, 4, { expired: true });
    const noSuchUser = randomUUID();

    let counts: number[] = [];
    const statements = await module.statementsDuring(async () => {
      // Counts of concurrent requests asked for in the same turn of the event loop.
      counts = await Promise.all(
        [alice.id, bob.id, carol.id, alice.id, noSuchUser].map((userId) => sessions.countActive(userId)),
      );
    });

    expect(statements).toHaveLength(1);
    expect(counts).toEqual([3, 1, 1, 3, 0]);
  });
});
