import type { FastifyRequest } from 'fastify';

import type { AuthContext } from '../sessions/session.types.js';
import { normalizeEmail } from '../users/normalize-email.js';

/**
 * Names the account an attempt is aimed at, from the request, the raw (not yet
 * validated) arguments and, when it asks, the request's signed-in session.
 */
export type AccountOf = (
  request: FastifyRequest,
  args: Record<string, unknown>,
  signedIn: () => Promise<AuthContext | null>,
) => string | null | Promise<string | null>;

/** The account is the `input.email` argument (signIn, signUp). */
export const byInputEmail: AccountOf = (_request, args) => {
  const input = args.input as { email?: unknown } | null | undefined;
  return typeof input?.email === 'string' ? `email:${normalizeEmail(input.email)}` : null;
};

/**
 * The account is the signed-in user (for changePassword, revokeSession …).
 * It asks for the session itself instead of reading `request.user`: guards run
 * in the order their decorators were applied (bottom-up), so reading what
 * SessionGuard left behind silently counted nothing per account whenever
 * `@RateLimited(bySignedInUser)` was written below `@UseGuards(SessionGuard)`.
 * The request's session is proven once (RequestAuthenticator), whichever guard asks first.
 */
export const bySignedInUser: AccountOf = async (_request, _args, signedIn) => {
  const userId = (await signedIn())?.user.id;
  return userId ? `user:${userId}` : null;
};

export const RATE_LIMIT_ACCOUNT = Symbol('rate-limit-account');
