import type { FastifyReply, FastifyRequest } from 'fastify';

import { ForbiddenError, NotAuthenticatedError } from '../common/errors.js';
import type { SecurityLogService } from '../security-log/security-log.service.js';
import type { AuthContext, AuthenticatedSession } from '../sessions/session.types.js';
import type { User } from '../users/user.model.js';
import type { RequestAuthenticator } from './request-authenticator.js';
import { UserSecurityEventsResolver } from './user-security-events.resolver.js';

/**
 * No query returns another user today, so this path cannot be reached over
 * GraphQL yet; the field must still refuse it on its own, since guards do not
 * run on field resolvers.
 */
describe('UserSecurityEventsResolver', () => {
  const alice: User = { id: 'alice', email: 'alice@example.com', createdAt: new Date() };
  const bob: User = { id: 'bob', email: 'bob@example.com', createdAt: new Date() };

  function resolverFor(auth: AuthContext | null) {
    const queried: Array<[string, number, string | null]> = [];
    const authenticator = { authenticate: () => Promise.resolve(auth) } as unknown as RequestAuthenticator;
    const securityLog = {
      page: (userId: string, first: number, after: string | null) => {
        queried.push([userId, first, after]);
        return Promise.resolve({ events: [], hasNextPage: false });
      },
    } as unknown as SecurityLogService;
    const context = { req: {} as FastifyRequest, res: {} as FastifyReply };
    return { resolver: new UserSecurityEventsResolver(authenticator, securityLog), context, queried };
  }

  const signedInAs = (user: User): AuthContext => ({ user, session: { id: 's' } as AuthenticatedSession });

  it("reads the requesting user's own log, 20 at a time unless asked", async () => {
    const { resolver, context, queried } = resolverFor(signedInAs(alice));

    await expect(resolver.securityEvents(null, null, alice, context)).resolves.toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    expect(queried).toEqual([['alice', 20, null]]);
  });

  it("refuses another user's log with an error, and never queries it", async () => {
    const { resolver, context, queried } = resolverFor(signedInAs(alice));

    await expect(resolver.securityEvents(5, null, bob, context)).rejects.toBeInstanceOf(ForbiddenError);
    expect(queried).toEqual([]);
  });

  it('refuses an anonymous request', async () => {
    const { resolver, context, queried } = resolverFor(null);

    await expect(resolver.securityEvents(5, null, alice, context)).rejects.toBeInstanceOf(
      NotAuthenticatedError,
    );
    expect(queried).toEqual([]);
  });
});
