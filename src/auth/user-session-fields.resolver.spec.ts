import type { FastifyReply, FastifyRequest } from 'fastify';

import type { GraphqlContext } from '../graphql/graphql-context.js';
import type { AuthContext, AuthenticatedSession, StoredSession } from '../sessions/session.types.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import { SignInMethod } from '../sessions/sign-in-method.js';
import type { User } from '../users/user.model.js';
import type { RequestAuthenticator } from './request-authenticator.js';
import { UserSessionFieldsResolver } from './user-session-fields.resolver.js';

/** Who may read these fields is OwnUserGuard's (own-user.guard.spec.ts); this is what they answer. */
describe('UserSessionFieldsResolver', () => {
  const alice: User = { id: 'alice', email: 'alice@example.com', createdAt: new Date() };

  const storedSession = (id: string): StoredSession => ({
    id,
    userId: 'alice',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    lastActiveAt: new Date('2026-01-02T00:00:00Z'),
    expiresAt: new Date('2026-02-01T00:00:00Z'),
    absoluteExpiresAt: new Date('2026-04-01T00:00:00Z'),
    ipAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    location: null,
    reauthenticatedAt: null,
    authenticatedAt: new Date('2026-01-01T00:00:00Z'),
    signInMethod: SignInMethod.PASSWORD,
    identityProvider: null,
    authenticationFactors: [],
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

  it("counts the user's own sessions", async () => {
    const { resolver, queried } = resolverFor(signedInAs(alice));

    await expect(resolver.activeSessionCount(alice)).resolves.toBe(3);
    expect(queried).toEqual(['alice']);
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
});
