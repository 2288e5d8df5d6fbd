import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';

/**
 * Behind a transaction pooler the statement timeout cannot travel as a
 * start-up parameter (PgBouncer refuses it, or drops it when told to ignore
 * it). A UnitOfWork sets it per transaction; a single statement runs with the
 * server's own setting, which the operator puts on the role (or database).
 * This check reads that setting through the pooler at start and says, with
 * the statement to run, when it is not the configured bound, instead of
 * losing the bound silently. It never stops the start: the client-side
 * `query_timeout` still bounds every wait.
 */
@Injectable()
export class PooledStatementTimeoutCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('Database');

  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: Pick<AppConfig, 'databasePooler' | 'databaseStatementTimeoutMs'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.databasePooler !== 'transaction') return;
    try {
      const [found] = await this.dataSource.query<Array<{ role: string; setting: string }>>(
        "SELECT current_user AS role, setting FROM pg_settings WHERE name = 'statement_timeout'",
      );
      const advice = statementTimeoutAdvice(this.config.databaseStatementTimeoutMs, found);
      if (advice) this.logger.warn(advice);
    } catch (error) {
      this.logger.warn(`Could not read statement_timeout through the pooler: ${(error as Error).message}`);
    }
  }
}

/** What to tell the operator when the server's statement_timeout (in ms, as pg_settings has it) is not `configuredMs`. */
export function statementTimeoutAdvice(
  configuredMs: number,
  found: { role: string; setting: string },
): string | undefined {
  if (Number(found.setting) === configuredMs) return undefined;
  const now = found.setting === '0' ? 'none' : `${found.setting}ms`;
  return (
    `DATABASE_POOLER=transaction: single statements run with the server's statement_timeout (${now}), ` +
    `not DATABASE_STATEMENT_TIMEOUT_MS (${configuredMs}ms). Run ` +
    `ALTER ROLE ${quoteIdentifier(found.role)} SET statement_timeout = '${configuredMs}ms'; ` +
    'it applies to server connections opened afterwards (RECONNECT in the PgBouncer console).'
  );
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
