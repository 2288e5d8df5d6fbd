import type { EventEmitter } from 'node:events';

import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner, QueryRunnerAlreadyReleasedError } from 'typeorm';

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
  constructor(private readonly dataSource: DataSource) {}

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
      return await runner.manager.transaction(() => work(new Transaction(runner)));
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
