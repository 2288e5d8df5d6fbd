import type { FastifyReply, FastifyRequest } from 'fastify';

import { ForbiddenError, NotAuthenticatedError } from '../common/errors.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import type { AuthContext, AuthenticatedSession, StoredSession } from '../sessions/session.types.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import { SignInMethod } from '../sessions/sign-in-method.js';
import type { User } from '../users/user.model.js';
import type { RequestAuthenticator } from './request-authenticator.js';
import { UserSessionFieldsResolver } from './user-session-fields.resolver.js';

/**
 * No query returns another user today, so this path cannot be reached over
 * GraphQL yet; the fields must still refuse it on their own, since guards do
 * not run on field resolvers.
 */
describe('UserSessionFieldsResolver', () => {
  const alice: User = { id: 'alice', email: 'alice@example.com', createdAt: new Date() };
  const bob: User = { id: 'bob', email: 'bob@example.com', createdAt: new Date() };

  const storedSession = (id: string): StoredSession => ({
    id,
    userId: 'alice',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    lastActiveAt: new Date('2026-01-02T00:00:00Z'),
    expiresAt: new Date('2026-02-01T00:00:00Z'),
    absoluteExpiresAt: new Date('2026-04-01T00:00:00Z'),
    ipAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    reauthenticatedAt: null,
    authenticatedAt: new Date('2026-01-01T00:00:00Z'),
    signInMethod: SignInMethod.PASSWORD,
    identityProvider: null,
  });

  /** The resolver over stubs, its GraphQL context, and the user ids its queries were asked for. */
  function resolverFor(auth: AuthContext | null): {
    resolver: UserSessionFieldsResolver;
    context: GraphqlContext;
    queried: string[];
  } {
    const queried: string[] = [];
    const authenticator = { authenticate: () => Promise.resolve(auth) } as unknown as RequestAuthenticator;
    const context = { req: {} as FastifyRequest, res: {} as FastifyReply };
    const sessions = {
      countActive: (userId: string) => {
        queried.push(userId);
        return Promise.resolve(3);
      },
      listActive: (userId: string) => {
        queried.push(userId);
        return Promise.resolve([storedSession('other'), storedSession('session')]);
      },
    } as unknown as SessionsService;
    return { resolver: new UserSessionFieldsResolver(authenticator, sessions), context, queried };
  }

  const signedInAs = (user: User): AuthContext => ({
    user,
    session: { id: 'session' } as AuthenticatedSession,
  });

  it("counts the requesting user's own sessions", async () => {
    const { resolver, context, queried } = resolverFor(signedInAs(alice));

    await expect(resolver.activeSessionCount(alice, context)).resolves.toBe(3);
    expect(queried).toEqual(['alice']);
  });

  it("refuses another user's count with an error, and never queries it", async () => {
    const { resolver, context, queried } = resolverFor(signedInAs(alice));

    await expect(resolver.activeSessionCount(bob, context)).rejects.toBeInstanceOf(ForbiddenError);
    expect(queried).toEqual([]);
  });

  it('refuses an anonymous request', async () => {
    const { resolver, context, queried } = resolverFor(null);

    await expect(resolver.activeSessionCount(alice, context)).rejects.toBeInstanceOf(NotAuthenticatedError);
    expect(queried).toEqual([]);
  });

  it("lists the requesting user's own sessions in the service's order, marking only the requesting one current", async () => {
    const { resolver, context, queried } = resolverFor(signedInAs(alice));

    const sessions = await resolver.sessions(alice, context);

    expect(queried).toEqual(['alice']);
    expect(sessions.map(({ id, current, browser, os }) => ({ id, current, browser, os }))).toEqual([
      { id: 'other', current: false, browser: 'Firefox 133', os: 'Windows' },
      { id: 'session', current: true, browser: 'Firefox 133', os: 'Windows' },
    ]);
  });

  it("refuses another user's sessions with an error, and never queries them (no IPs leak)", async () => {
    const { resolver, context, queried } = resolverFor(signedInAs(alice));

    await expect(resolver.sessions(bob, context)).rejects.toBeInstanceOf(ForbiddenError);
    expect(queried).toEqual([]);
  });

  it('refuses to list sessions for an anonymous request', async () => {
    const { resolver, context, queried } = resolverFor(null);

    await expect(resolver.sessions(alice, context)).rejects.toBeInstanceOf(NotAuthenticatedError);
    expect(queried).toEqual([]);
  });
});
