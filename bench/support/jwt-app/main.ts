import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import { JwtAppModule } from './jwt-app.module.js';

/**
 * The benchmark's JWT comparison app (jwt-app.module.ts). Compiled by tsc
 * like the app (`npm run bench:build-jwt-app`, to dist/bench-jwt-app/) and run
 * with plain `node`, so no compiler runs while it is measured.
 */
async function bootstrap(): Promise<void> {
  if (!process.env.BENCH_JWT_SECRET) throw new Error('BENCH_JWT_SECRET is required');
  const app = await NestFactory.create<NestFastifyApplication>(JwtAppModule, new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void bootstrap();
