import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';

/**
 * `SET LOCAL statement_timeout`, with the value bound: lasts until the
 * transaction ends, so it is safe on a server connection a pooler shares.
 */
export const SET_LOCAL_STATEMENT_TIMEOUT = "SELECT set_config('statement_timeout', $1, true)";

/**
 * A database transaction in progress, as services hand it to repositories.
 * Opaque on purpose: services decide what belongs together, repositories run
 * the statements, and neither reaches for TypeORM's EntityManager.
 */
export class Transaction {
  /** @internal For SqlRunner only. */
  constructor(readonly queryRunner: QueryRunner) {}
}

/** Runs work in one transaction: every statement given the handle commits together, or none does. */
@Injectable()
export class UnitOfWork {
  /** Behind a transaction pooler: the statement timeout, set at the start of every transaction. */
  private readonly localTimeout: string | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig() config: Pick<AppConfig, 'databasePooler' | 'databaseStatementTimeoutMs'>,
  ) {
    // Directly connected, the timeout is a start-up parameter of every connection already.
    this.localTimeout =
      config.databasePooler === 'transaction' ? `${config.databaseStatementTimeoutMs}ms` : undefined;
  }

  run<T>(work: (transaction: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      // TypeORM gives every transactional manager its query runner.
      if (!manager.queryRunner) throw new Error('A transaction without a query runner');
      if (this.localTimeout)
        await manager.queryRunner.query(SET_LOCAL_STATEMENT_TIMEOUT, [this.localTimeout]);
      return work(new Transaction(manager.queryRunner));
    });
  }
}
