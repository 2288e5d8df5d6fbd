import { Global, Module } from '@nestjs/common';
import { RateLimitCounters } from './rate-limit-counters.js';

/**
 * Rate limits for mutations marked `@RateLimited()`; nothing else is limited.
 * Global so that any feature module can mark its mutations.
 */
@Global()
@Module({ providers: [RateLimitCounters], exports: [RateLimitCounters] })
export class RateLimitModule {}
