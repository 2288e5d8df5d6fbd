import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';

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

  run<T>(work: (transaction: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => {
      // TypeORM gives every transactional manager its query runner.
      if (!manager.queryRunner) throw new Error('A transaction without a query runner');
      return work(new Transaction(manager.queryRunner));
    });
  }
}
