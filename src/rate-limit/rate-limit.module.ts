import { Global, Module } from '@nestjs/common';

import { RateLimitRepository } from './rate-limit.repository.js';
import { RateLimitCounters } from './rate-limit-counters.js';
import { RateLimitSweepJob } from './rate-limit-sweep.job.js';

/**
 * Rate limits for mutations marked `@RateLimited()`; nothing else is limited.
 * Global so that any feature module can mark its mutations.
 */
@Global()
@Module({
  providers: [RateLimitRepository, RateLimitCounters, RateLimitSweepJob],
  exports: [RateLimitCounters],
})
export class RateLimitModule {}
