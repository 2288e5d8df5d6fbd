import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

import { getRequest } from '../../graphql/graphql-context.js';

/** The signed-in user (a UserAccount), or `null` on a route guarded by `OptionalSessionGuard`. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => getRequest(context).user?.user ?? null,
);
