import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { JwtService } from '@nestjs/jwt';

import type { SeededSession } from './database.js';
import { ServerProcess } from './server-process.js';

/**
 * The servers the app is measured against in the same run, each spawned as
 * its own process like the app (ServerProcess), so their CPU is read the same
 * way and they share the cores with the load generator as the app does.
 */

const RAW_SERVER = fileURLToPath(new URL('./raw-server.js', import.meta.url));
/** Compiled by `npm run bench:build-jwt-app` (part of `npm run bench`). */
export const JWT_APP_ENTRY = 'dist/bench-jwt-app/main.js';

/** Bare node:http; with `withPostgres`, one named prepared `SELECT 1` per request on databaseUrl. */
export function startRawServer(databaseUrl: string, withPostgres: boolean): Promise<ServerProcess> {
  return ServerProcess.start({
    entry: RAW_SERVER,
    databaseUrl,
    env: { RAW_PG: withPostgres ? '1' : '0' },
  });
}

/**
 * The stateless JWT app (bench/support/jwt-app/), and tokens for the given
 * users signed with its key. `key`: the secret as the NestJS docs pass it (a
 * string) or as a KeyObject (what spares jsonwebtoken a failed public-key parse per verify).
 */
export async function startJwtApp(
  databaseUrl: string,
  key: 'string' | 'key-object',
): Promise<{ server: ServerProcess; tokenFor: (session: SeededSession) => Promise<string> }> {
  if (!existsSync(JWT_APP_ENTRY))
    throw new Error(`${JWT_APP_ENTRY} is missing: run \`npm run bench:build-jwt-app\` first`);
  const secret = randomBytes(32).toString('hex');
  // It uses no database; DATABASE_URL is passed only because ServerProcess always sets it.
  const server = await ServerProcess.start({
    entry: JWT_APP_ENTRY,
    databaseUrl,
    env: { BENCH_JWT_SECRET: secret, BENCH_JWT_KEY: key },
  });
  const jwt = new JwtService({ secret });
  // An access token as the NestJS docs issue one: the user id as `sub`, short-lived.
  const tokenFor = (session: SeededSession) =>
    jwt.signAsync({ sub: session.userId }, { algorithm: 'HS256', expiresIn: '1h' });
  return { server, tokenFor };
}
