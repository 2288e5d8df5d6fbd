import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

import { NotAuthenticatedError } from '../../common/errors.js';
import { getRequest } from '../../graphql/graphql-context.js';

/**
 * The session the request's token proved, as RequestAuthenticator put it on
 * the request. Never from client input: that is what keeps
 * `signOutOtherSessions` from being pointed at someone else's session.
 */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const auth = getRequest(context).user;
  if (!auth) throw new NotAuthenticatedError();
  return auth.session;
});
