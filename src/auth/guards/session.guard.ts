import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';

import { NotAuthenticatedError } from '../../common/errors.js';
import { getExchange } from '../../graphql/graphql-context.js';
import { RequestAuthenticator } from '../request-authenticator.js';

/**
 * Lets the request through only with a live session, which RequestAuthenticator
 * puts on `request.user` for `@CurrentUser()` / `@CurrentSession()`.
 *
 * A plain Nest guard rather than a passport strategy: passport keeps its
 * strategies in one process-wide registry, so two Nest apps in one process
 * (the tests, the two-instance test) would all use the last one registered —
 * and with it, the last app's database connection.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly authenticator: RequestAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { req, res } = getExchange(context);
    const auth = await this.authenticator.authenticate(req, res);
    // Throwing (not returning false) makes GraphQL answer UNAUTHENTICATED instead of FORBIDDEN.
    if (!auth && this.requiresSession) throw new NotAuthenticatedError();
    return true;
  }

  protected get requiresSession(): boolean {
    return true;
  }
}

/** Resolves the session when there is one, and lets anonymous requests through. */
@Injectable()
export class OptionalSessionGuard extends SessionGuard {
  protected override get requiresSession(): boolean {
    return false;
  }
}
