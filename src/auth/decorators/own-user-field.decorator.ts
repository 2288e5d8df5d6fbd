import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ResolveField, type ResolveFieldOptions, type ReturnTypeFunc } from '@nestjs/graphql';

import { OwnUserGuard } from '../guards/own-user.guard.js';

/** Marks a field an emailed link's answer may show (verifyEmail's `emailVerified`). */
export const READABLE_WITH_EMAIL_LINK = 'own-user-field:readable-with-email-link';

export type OwnUserFieldOptions = ResolveFieldOptions & {
  /**
   * Also readable in the answer to the request that just spent this user's
   * emailed link (it proved the mailbox, not a session): only for what that
   * answer is about, never devices or activity.
   */
  readonly readableWithEmailLink?: boolean;
};

/**
 * The one way to add a field to `User`: `@ResolveField` plus the rule that
 * only the user themself may read it (OwnUserGuard). A plain `@ResolveField`
 * in a `User` resolver is refused by `npm run lint`, so a new field cannot
 * forget the rule.
 */
export function OwnUserField(type: ReturnTypeFunc, options: OwnUserFieldOptions = {}): MethodDecorator {
  const { readableWithEmailLink = false, ...fieldOptions } = options;
  return applyDecorators(
    ResolveField(type, fieldOptions),
    SetMetadata(READABLE_WITH_EMAIL_LINK, readableWithEmailLink),
    UseGuards(OwnUserGuard),
  );
}
