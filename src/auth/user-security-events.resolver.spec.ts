import type { SecurityLogService } from '../security-log/security-log.service.js';
import type { User } from '../users/user.model.js';
import { UserSecurityEventsResolver } from './user-security-events.resolver.js';

/** Who may read it is OwnUserGuard's (own-user.guard.spec.ts); this is what it reads. */
describe('UserSecurityEventsResolver', () => {
  const alice: User = { id: 'alice', email: 'alice@example.com', createdAt: new Date() };

  it("reads the user's own log, 20 at a time unless asked", async () => {
    const queried: Array<[string, number, string | null]> = [];
    const securityLog = {
      page: (userId: string, first: number, after: string | null) => {
        queried.push([userId, first, after]);
        return Promise.resolve({ events: [], hasNextPage: false });
      },
    } as unknown as SecurityLogService;
    const resolver = new UserSecurityEventsResolver(securityLog);

    await expect(resolver.securityEvents(null, null, alice)).resolves.toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    await resolver.securityEvents(5, 'cursor', alice);
    expect(queried).toEqual([
      ['alice', 20, null],
      ['alice', 5, 'cursor'],
    ]);
  });
});
