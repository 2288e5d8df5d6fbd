import { applyDecorators, UseGuards } from '@nestjs/common';
import { ResolveField, type ResolveFieldOptions, type ReturnTypeFunc } from '@nestjs/graphql';

import { OwnUserGuard } from '../guards/own-user.guard.js';

/**
 * The one way to add a field to `User`: `@ResolveField` plus the rule that
 * only the user themself may read it (OwnUserGuard). A plain `@ResolveField`
 * in a `User` resolver is refused by `npm run lint`, so a new field cannot
 * forget the rule.
 */
export function OwnUserField(type: ReturnTypeFunc, options: ResolveFieldOptions = {}): MethodDecorator {
  return applyDecorators(ResolveField(type, options), UseGuards(OwnUserGuard));
}
