import type { EventEmitter } from 'node:events';

import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner, QueryRunnerAlreadyReleasedError } from 'typeorm';

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

  async run<T>(work: (transaction: Transaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    // The query runner's own connection (a pg client), listened to from the
    // moment it is taken from the pool, before the transaction begins.
    const connection = (await runner.connect()) as EventEmitter;
    let lost: unknown;
    const noteLoss = (error: unknown): void => {
      lost ??= error;
    };
    connection.on('error', noteLoss);
    try {
      return await runner.manager.transaction(async () => {
        if (this.localTimeout) await runner.query(SET_LOCAL_STATEMENT_TIMEOUT, [this.localTimeout]);
        return work(new Transaction(runner));
      });
    } catch (error) {
      // When its connection dies between two statements (the server went
      // away), TypeORM releases the query runner, and the next statement or
      // the COMMIT fails with "Query runner already released", which says
      // nothing of why. The connection's own error does: a lost connection is
      // SERVICE_UNAVAILABLE, not a bug.
      throw lost !== undefined && error instanceof QueryRunnerAlreadyReleasedError ? lost : error;
    } finally {
      connection.off('error', noteLoss);
      await runner.release();
    }
  }
}
