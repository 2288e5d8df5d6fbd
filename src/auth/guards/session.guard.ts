import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { NotAuthenticatedError } from '../../common/errors.js';
import { getRequest } from '../../common/request-context.js';
import type { AuthContext } from '../../sessions/sessions.service.js';
import { SESSION_TOKEN_STRATEGY } from '../session-token.strategy.js';

/** Lets the request through only with a live session; otherwise UNAUTHENTICATED. */
@Injectable()
export class SessionGuard extends AuthGuard(SESSION_TOKEN_STRATEGY) {
  override getRequest(context: ExecutionContext): unknown {
    return getRequest(context);
  }

  // Throwing (not returning false) is what makes GraphQL answer UNAUTHENTICATED instead of FORBIDDEN.
  override handleRequest<T = AuthContext>(error: Error | null, auth: T | false | null): T {
    if (error) throw error;
    if (!auth) throw new NotAuthenticatedError();
    return auth;
  }
}

/** Resolves the session when there is one, and lets anonymous requests through. */
@Injectable()
export class OptionalSessionGuard extends SessionGuard {
  override handleRequest<T = AuthContext>(error: Error | null, auth: T | false | null): T {
    if (error) throw error;
    return (auth || undefined) as T;
  }
}
