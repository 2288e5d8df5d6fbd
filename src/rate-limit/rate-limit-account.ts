import type { FastifyRequest } from 'fastify';

import { normalizeEmail } from '../users/normalize-email.js';

/** Names the account an attempt is aimed at, from the request and the raw (not yet validated) arguments. */
export type AccountOf = (request: FastifyRequest, args: Record<string, unknown>) => string | null;

/** The account is the `input.email` argument (signIn, signUp). */
export const byInputEmail: AccountOf = (_request, args) => {
  const input = args.input as { email?: unknown } | null | undefined;
  return typeof input?.email === 'string' ? `email:${normalizeEmail(input.email)}` : null;
};

/**
 * The account is the signed-in user (for changePassword, revokeSession …).
 * `request.user` is set by SessionGuard, so write `@RateLimited(bySignedInUser)`
 * *above* `@UseGuards(SessionGuard)`: method decorators apply bottom-up, and
 * guards run in the order they were applied.
 */
export const bySignedInUser: AccountOf = (request) => {
  const userId = request.user?.user.id;
  return userId ? `user:${userId}` : null;
};

export const RATE_LIMIT_ACCOUNT = Symbol('rate-limit-account');
