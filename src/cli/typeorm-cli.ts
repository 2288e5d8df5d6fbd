import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadConfig } from '../config/app-config.js';
import { provideDatabaseServer } from '../database/database-server.js';

/**
 * `npm run migration:generate|run|revert`: runs the TypeORM CLI against
 * DATABASE_URL, or against the embedded PostgreSQL under DATA_DIR (started
 * for the command and stopped after it), so the commands work on a fresh clone.
 * DATABASE_MIGRATION_URL, when set, wins: behind a transaction pooler the CLI
 * needs a direct connection.
 */
async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const database = await provideDatabaseServer(config);
  try {
    const typeormCli = createRequire(import.meta.url).resolve('typeorm/cli.js');
    const dataSource = resolve(dirname(fileURLToPath(import.meta.url)), '../../ormconfig.js');
    return await new Promise<number>((done, fail) => {
      const child = spawn(process.execPath, [typeormCli, ...process.argv.slice(2), '-d', dataSource], {
        stdio: 'inherit',
        env: { ...process.env, DATABASE_URL: config.databaseMigrationUrl ?? database.url },
      });
      child.on('error', fail);
      child.on('exit', (code) => done(code ?? 1));
    });
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
