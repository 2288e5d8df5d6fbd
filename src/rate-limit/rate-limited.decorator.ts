import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';

import { RateLimitGuard } from './rate-limit.guard.js';
import { type AccountOf, byInputEmail, RATE_LIMIT_ACCOUNT } from './rate-limit-account.js';

/**
 * Limits a mutation per client network and per (client network, account),
 * with RATE_LIMIT_PER_IP and RATE_LIMIT_PER_IP_AND_ACCOUNT attempts per
 * RATE_LIMIT_WINDOW_SECONDS. The guard runs before validation and before the
 * resolver, so an attempt over the limit answers TOO_MANY_REQUESTS and costs
 * no password hash. Every attempt counts, whether it succeeds or not.
 */
export function RateLimited(account: AccountOf = byInputEmail): MethodDecorator {
  return applyDecorators(SetMetadata(RATE_LIMIT_ACCOUNT, account), UseGuards(RateLimitGuard));
}
