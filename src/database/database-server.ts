import type { AppConfig } from '../config/app-config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface DatabaseServer {
  readonly url: string;
  /** Whether this process started the server (and so stops it). */
  readonly embedded: boolean;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when it is set (this process starts nothing and stops nothing);
 * otherwise an embedded PostgreSQL under DATA_DIR.
 */
export async function provideDatabaseServer(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  onLog?: (message: string) => void,
  onNotice?: (message: string) => void,
): Promise<DatabaseServer> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: () => Promise.resolve() };
  }
  const postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, onLog, onNotice });
  return { url: postgres.url, embedded: true, stop: () => postgres.stop() };
}
