import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type GraphQLField, GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';

import { signUpUser } from '../support/accounts.js';
import { useTestModule } from '../support/test-module.js';

/**
 * No query returns another user's `User` today, so no request can ask for
 * another user's fields yet. The day one does (an admin view, a shared
 * document's author), every field resolver of `User` must already refuse:
 * this calls each one, as the served schema runs it (guards included), with
 * alice signed in and bob as the parent. A field added without @OwnUserField
 * would answer here (and `npm run lint` refuses it first).
 */
describe('every resolved field of User', () => {
  const module = useTestModule();

  function request(token: string): FastifyRequest {
    return {
      headers: { authorization: `Bearer ${token}` },
      cookies: {},
      ip: '127.0.0.1',
    } as unknown as FastifyRequest;
  }

  function resolvedUserFields(): Array<GraphQLField<unknown, unknown>> {
    const user = module.get(GraphQLSchemaHost).schema.getType('User');
    if (!(user instanceof GraphQLObjectType)) throw new Error('no User type');
    // The model's own properties (id, email, createdAt: src/users/user.model.ts) come with the
    // object whoever returned it chose to show; the fields resolved from elsewhere are the ones to guard.
    const ownProperties = new Set(['id', 'email', 'createdAt']);
    return Object.values(user.getFields()).filter(
      (field) => field.resolve !== undefined && !ownProperties.has(field.name),
    );
  }

  it('exists: the device list, the count, the activity, the sign-in methods, the verification', () => {
    expect(resolvedUserFields().map((field) => field.name)).toEqual(
      expect.arrayContaining([
        'activeSessionCount',
        'sessions',
        'securityEvents',
        'identities',
        'hasPassword',
        'emailVerified',
      ]),
    );
  });

  it("refuses another user's, answers the user's own", async () => {
    const alice = await signUpUser(module);
    const bob = await signUpUser(module);
    const info = {} as GraphQLResolveInfo;

    // The exception filter hands a refusal back as the field's GraphQLError (graphql-js reports a returned Error).
    const answer = async (parent: { id: string; email: string }): Promise<unknown> => {
      const context = { req: request(alice.token), res: {} as FastifyReply };
      const args = { first: 20, after: null };
      try {
        return await fieldResolve(parent, args, context);
      } catch (error) {
        return error;
      }
    };
    let fieldResolve: (parent: unknown, args: unknown, context: unknown) => unknown = () => undefined;

    for (const field of resolvedUserFields()) {
      fieldResolve = (parent, args, context) => field.resolve!(parent, args, context, info);
      const theirs = await answer({ id: bob.id, email: bob.email });
      expect({
        field: field.name,
        refused: theirs instanceof Error && /only read your own/.test(theirs.message),
      }).toEqual({ field: field.name, refused: true });
      const own = await answer({ id: alice.id, email: alice.email });
      expect({ field: field.name, answered: !(own instanceof Error) }).toEqual({
        field: field.name,
        answered: true,
      });
    }
  });
});
