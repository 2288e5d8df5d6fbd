import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ForbiddenError, NotAuthenticatedError } from '../../common/errors.js';
import type { AuthContext, AuthenticatedSession } from '../../sessions/session.types.js';
import type { User } from '../../users/user.model.js';
import type { RequestAuthenticator } from '../request-authenticator.js';
import { OwnUserGuard } from './own-user.guard.js';

/**
 * No query returns another user today, so this path cannot be reached over
 * GraphQL yet; every `User` field must still refuse it (the e2e test
 * own-user-fields.e2e-spec.ts checks that every one has this guard).
 */
describe('OwnUserGuard', () => {
  const alice: User = { id: 'alice', email: 'alice@example.com', createdAt: new Date() };
  const bob: User = { id: 'bob', email: 'bob@example.com', createdAt: new Date() };
  const signedInAs = (user: User): AuthContext => ({ user, session: { id: 's' } as AuthenticatedSession });

  /** The guard over an authenticator that proves `auth`, asked about a field of `parent`. */
  function check(auth: AuthContext | null, parent: User): Promise<boolean> {
    const authenticator = { authenticate: () => Promise.resolve(auth) } as unknown as RequestAuthenticator;
    const graphqlArgs = [parent, {}, { req: {} as FastifyRequest, res: {} as FastifyReply }, {}];
    const context = {
      getType: () => 'graphql',
      getArgs: () => graphqlArgs,
      getArgByIndex: (index: number) => graphqlArgs[index],
      getClass: () => Object,
      getHandler: () => check,
    } as unknown as ExecutionContext;
    return new OwnUserGuard(authenticator, new Reflector()).canActivate(context);
  }

  it('lets the user read their own fields', async () => {
    await expect(check(signedInAs(alice), alice)).resolves.toBe(true);
  });

  it("refuses another user's fields with FORBIDDEN", async () => {
    await expect(check(signedInAs(alice), bob)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses an anonymous request with UNAUTHENTICATED', async () => {
    await expect(check(null, alice)).rejects.toBeInstanceOf(NotAuthenticatedError);
  });
});
