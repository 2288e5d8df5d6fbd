import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { NotAuthenticatedError } from '../../common/errors.js';
import { getRequest } from '../../common/request-context.js';
import type { AuthContext } from '../../sessions/sessions.service.js';

function authOf(context: ExecutionContext): AuthContext | undefined {
  return getRequest(context).user;
}

/**
 * The session the request's token proved, as the guard put it on the request.
 * Never from client input: that is what keeps `signOutOtherSessions` from being
 * pointed at someone else's session.
 */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const auth = authOf(context);
  if (!auth) throw new NotAuthenticatedError();
  return auth.session;
});

/** The signed-in user (entity), or `null` on a route guarded by `OptionalSessionGuard`. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => authOf(context)?.user ?? null,
);
