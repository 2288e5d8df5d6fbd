import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';
import type { Logger } from 'pino';

import type { AppConfig } from '../config/app-config.js';

export type ConnectSettings = Pick<
  AppConfig,
  'databaseConnectRetries' | 'databaseConnectRetryDelayMs' | 'databaseConnectTimeoutMs'
>;

export class DatabaseUnreachableError extends Error {
  constructor(where: string, attempts: number, cause: unknown) {
    super(
      `Could not connect to PostgreSQL at ${where} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ` +
        `${reasonOf(cause)}. ${whatToCheck(cause)}`,
    );
    this.name = 'DatabaseUnreachableError';
  }
}

/** `host:port` of a connection string: what a log may say about it (never the user or password). */
export function describeDatabaseUrl(url: string): string {
  try {
    const { hostname, port } = new URL(url);
    return `${hostname || 'localhost'}:${port || '5432'}`;
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

/**
 * Opens and closes one connection to `url`, trying again `databaseConnectRetries`
 * times, `databaseConnectRetryDelayMs` apart, and logs each failed attempt as
 * it happens, with the host and port and what to check. Run before the app is
 * built, so an unreachable database is reported line by line on the root
 * logger rather than by the app's own connection retries, whose lines Nest
 * holds until start-up finishes.
 */
export async function waitForDatabase(url: string, settings: ConnectSettings, logger: Logger): Promise<void> {
  const where = describeDatabaseUrl(url);
  const attempts = settings.databaseConnectRetries + 1;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: settings.databaseConnectTimeoutMs,
    });
    // A connection that fails after connecting emits 'error'; unhandled, it would end the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      if (attempt > 1) logger.info(`Connected to PostgreSQL at ${where} (attempt ${attempt})`);
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      const last = attempt >= attempts;
      logger.warn(
        { attempt, attempts, database: where },
        `Cannot connect to PostgreSQL at ${where} (attempt ${attempt} of ${attempts}): ${reasonOf(error)}. ` +
          `${whatToCheck(error)} ${last ? 'Giving up.' : `Retrying in ${settings.databaseConnectRetryDelayMs} ms.`}`,
      );
      if (last) throw new DatabaseUnreachableError(where, attempts, error);
      await sleep(settings.databaseConnectRetryDelayMs);
    }
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The driver's message names hosts, users and databases, never the password. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function whatToCheck(error: unknown): string {
  switch (codeOf(error)) {
    case '28P01':
    case '28000':
      return 'Check the user name and password in DATABASE_URL, and pg_hba.conf on the server.';
    case '3D000':
      return 'Check the database name in DATABASE_URL: it must exist (create it, or fix the name).';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Check the host name in DATABASE_URL: it does not resolve from here.';
    default:
      return (
        'Check that DATABASE_URL names the right host and port, that PostgreSQL is running there, ' +
        'and that it accepts connections from this machine (firewall, listen_addresses, pg_hba.conf).'
      );
  }
}
