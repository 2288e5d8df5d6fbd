import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { SqlStatement } from './sql-statement.js';
import type { Transaction } from './transaction.js';

/** What a statement did: the rows it returned and how many rows it touched. */
interface SqlResult<TRow> {
  readonly rows: TRow[];
  /** Rows inserted, updated or deleted (for a SELECT, rows returned). */
  readonly count: number;
}

/**
 * The one door of every repository statement. Outside a transaction a
 * statement goes to TypeORM's own pg pool as a named prepared statement (no
 * query builder per call, one plan per connection; measured in
 * bench/results/README.md); inside one, through the transaction's connection.
 * The pool, its size and its timeouts stay TypeORM's: no second pool to size
 * and close.
 *
 * Behind a transaction pooler (DATABASE_POOLER=transaction) statements go
 * unnamed: a named statement lives on one server connection, and the pooler
 * hands the next execution to whichever is free ("prepared statement … does not
 * exist" / "… already exists"). Chosen once here: the direct path builds the
 * same query object as before, with no test per statement.
 */
@Injectable()
export class SqlRunner {
  private readonly toQuery: (statement: SqlStatement<unknown>, values: unknown[]) => pg.QueryConfig;

  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig() config: Pick<AppConfig, 'databasePooler'>,
  ) {
    this.toQuery =
      config.databasePooler === 'transaction'
        ? ({ text }, values) => ({ text, values })
        : ({ name, text }, values) => ({ name, text, values });
  }

  async run<TRow>(
    statement: SqlStatement<TRow>,
    values: readonly unknown[],
    transaction?: Transaction,
  ): Promise<SqlResult<TRow>> {
    if (transaction) {
      const result = await transaction.queryRunner.query(statement.text, [...values], true);
      const rows = result.records as TRow[];
      return { rows, count: result.affected ?? rows.length };
    }
    // One copy of the values per statement, shared by the log and the query.
    const parameters = [...values];
    // Logged like TypeORM's own queries, so `logging: true` still shows every statement.
    this.dataSource.logger.logQuery(statement.text, parameters);
    const pool = (this.dataSource.driver as PostgresDriver).master as pg.Pool;
    const result = await pool.query<TRow & pg.QueryResultRow>(this.toQuery(statement, parameters));
    return { rows: result.rows, count: result.rowCount ?? result.rows.length };
  }

  async rows<TRow>(
    statement: SqlStatement<TRow>,
    values: readonly unknown[],
    transaction?: Transaction,
  ): Promise<TRow[]> {
    return (await this.run(statement, values, transaction)).rows;
  }

  async count(
    statement: SqlStatement<unknown>,
    values: readonly unknown[],
    transaction?: Transaction,
  ): Promise<number> {
    return (await this.run(statement, values, transaction)).count;
  }
}
