import type { Request, Response } from 'express';
import { ForbiddenError, NotAuthenticatedError } from '../common/errors.js';
import type { GraphqlContext } from '../common/request-context.js';
import type { SessionCountLoader } from '../sessions/session-count.loader.js';
import type { SessionEntity } from '../sessions/session.entity.js';
import type { AuthContext } from '../sessions/sessions.service.js';
import type { UserEntity } from '../users/user.entity.js';
import type { User } from '../users/user.model.js';
import type { RequestAuthenticator } from './request-authenticator.js';
import { UserSessionFieldsResolver } from './user-session-fields.resolver.js';

/**
 * No query returns another user today, so this path cannot be reached over
 * GraphQL yet; the field must still refuse it on its own, since guards do not
 * run on field resolvers.
 */
describe('UserSessionFieldsResolver', () => {
  const alice: User = { id: 'alice', email: 'alice@example.com', createdAt: new Date() };
  const bob: User = { id: 'bob', email: 'bob@example.com', createdAt: new Date() };
  function resolverFor(auth: AuthContext | null): {
    resolver: UserSessionFieldsResolver;
    context: GraphqlContext;
    counted: string[];
  } {
    const counted: string[] = [];
    const authenticator = { authenticate: () => Promise.resolve(auth) } as unknown as RequestAuthenticator;
    const activeSessionCount = {
      load: (userId: string) => {
        counted.push(userId);
        return Promise.resolve(3);
      },
    } as unknown as SessionCountLoader;
    const context = { req: {} as Request, res: {} as Response, loaders: { activeSessionCount } };
    return { resolver: new UserSessionFieldsResolver(authenticator), context, counted };
  }

  const signedInAs = (user: User): AuthContext => ({
    user: user as UserEntity,
    session: { id: 'session' } as SessionEntity,
  });

  it("counts the requesting user's own sessions", async () => {
    const { resolver, context, counted } = resolverFor(signedInAs(alice));

    await expect(resolver.activeSessionCount(alice, context)).resolves.toBe(3);
    expect(counted).toEqual(['alice']);
  });

  it("refuses another user's count with an error, and never queries it", async () => {
    const { resolver, context, counted } = resolverFor(signedInAs(alice));

    await expect(resolver.activeSessionCount(bob, context)).rejects.toBeInstanceOf(ForbiddenError);
    expect(counted).toEqual([]);
  });

  it('refuses an anonymous request', async () => {
    const { resolver, context, counted } = resolverFor(null);

    await expect(resolver.activeSessionCount(alice, context)).rejects.toBeInstanceOf(NotAuthenticatedError);
    expect(counted).toEqual([]);
  });
});
