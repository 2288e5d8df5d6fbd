import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';

import { ForbiddenError, NotAuthenticatedError } from '../../common/errors.js';
import type { GraphqlContext } from '../../graphql/graphql-context.js';
import type { User } from '../../users/user.model.js';
import { READABLE_WITH_EMAIL_LINK } from '../decorators/own-user-field.decorator.js';
import { RequestAuthenticator } from '../request-authenticator.js';

/**
 * A `User` field only the user themself may read: the request must be signed
 * in as the user the field describes. Runs on field resolvers (the GraphQL
 * options turn guards on for them), before the field's own code, wherever the
 * `User` appears: `me`, a mutation's payload, a subscription's event.
 */
@Injectable()
export class OwnUserGuard implements CanActivate {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const graphql = GqlExecutionContext.create(context);
    const { req, res } = graphql.getContext<GraphqlContext>();
    const user = graphql.getRoot<User>();
    const byLink = this.reflector.get<boolean | undefined>(READABLE_WITH_EMAIL_LINK, context.getHandler());
    if (byLink && req.emailLinkUserId === user.id) return true;
    const auth = await this.authenticator.authenticate(req, res);
    if (!auth) throw new NotAuthenticatedError();
    // Another user's devices, addresses and activity are their own business.
    if (auth.user.id !== user.id) throw new ForbiddenError("You may only read your own account's details.");
    return true;
  }
}
