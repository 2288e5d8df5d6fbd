import 'reflect-metadata';

import { writeSync } from 'node:fs';

import { Logger } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';

import { type AppConfig, ConfigValidationError, loadConfig } from './config/app-config.js';
import { DatabaseUnreachableError } from './database/wait-for-database.js';
import { GeoIpDatabaseError } from './geoip/geoip-database.js';
import { createServerLogger, type RunningServer, startServer } from './server.js';

const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    new Logger('Main').error(error.message);
    process.exit(1);
  }
  const rootLogger = createServerLogger(config);
  const logger = rootLogger.child({ context: 'Main' });
  let server: RunningServer;
  try {
    server = await startServer(config, { logger: rootLogger });
  } catch (error) {
    // The reason of an unreachable database (or an unreadable GEOIP_DATABASE) is its message; a stack would add only noise.
    if (error instanceof DatabaseUnreachableError || error instanceof GeoIpDatabaseError)
      logger.fatal(error.message);
    else logger.fatal({ err: error }, 'Failed to start');
    await flushed(rootLogger);
    // Ends when nothing is left to do, so a log write still in flight finishes
    // first (process.exit would drop it); the unref'd timer only ends a process
    // that something else would keep alive.
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 2_000).unref();
    return;
  }
  logger.info(`GraphQL ready at ${server.url}/graphql`);
  handleShutdownSignals(server, config.shutdownTimeoutSeconds, logger);
}

/**
 * SIGTERM, SIGINT or SIGHUP (a closed terminal, which would otherwise leave an
 * embedded PostgreSQL running) stop the server and exit 0. A shutdown still
 * running after `timeoutSeconds` is cut: the process says on stderr what it was
 * waiting for and exits 1, so a supervisor is never left with a process that
 * neither serves nor ends.
 */
function handleShutdownSignals(server: RunningServer, timeoutSeconds: number, logger: PinoLogger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, shutting down (at most ${timeoutSeconds} s)`);
    setTimeout(() => void cutShutdown(server, timeoutSeconds), timeoutSeconds * 1000);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, shutdown);
}

/**
 * Waits (at most a second: stdout may be a pipe nobody reads) until the log
 * has written what it holds, so the line saying why the process ends is not
 * the one it loses.
 */
function flushed(logger: PinoLogger): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, 1_000);
    logger.flush(() => {
      clearTimeout(timer);
      done();
    });
  });
}

async function cutShutdown(server: RunningServer, timeoutSeconds: number): Promise<never> {
  const pending = await server.pendingStopSteps().catch((error: unknown) => [`(unknown: ${String(error)})`]);
  // stderr, written synchronously: stdout may be the pipe nobody reads, which is
  // maybe why shutdown is late.
  writeSync(
    2,
    `Shutdown did not finish within SHUTDOWN_TIMEOUT_SECONDS (${timeoutSeconds} s); ` +
      `still waiting for: ${pending.length > 0 ? pending.join('; ') : 'the process to exit'}. Exiting with code 1.\n`,
  );
  process.exit(1);
}

main().catch((error: unknown) => {
  new Logger('Main').error('Failed to start', error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
