import 'reflect-metadata';

import { Logger } from '@nestjs/common';

import { ConfigValidationError, loadConfig } from './config/app-config.js';
import { startServer } from './server.js';

const logger = new Logger('Main');

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const server = await startServer(config);
  logger.log(`GraphQL ready at ${server.url}/graphql`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('Shutdown failed', error instanceof Error ? error.stack : String(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    logger.error(error.message);
  } else {
    logger.error('Failed to start', error instanceof Error ? error.stack : String(error));
  }
  process.exit(1);
});
