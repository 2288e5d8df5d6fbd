import type pg from 'pg';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * A statement on the per-request path, sent as a named prepared statement:
 * PostgreSQL parses and plans it once per connection, and no query builder
 * runs per call. TypeORM's builder costs more CPU than the database does for
 * a one-row lookup (measured in bench/results/README.md), so the hot
 * statements are built once and replayed.
 *
 * The SQL still comes from TypeORM: `fromQueryBuilder` takes the builder's
 * output once, so shared conditions (`active()` in the sessions service) stay
 * defined in one place. It runs on TypeORM's own pg pool: the same connections
 * and pool size, no second pool to size and close.
 */
export class PreparedStatement<TRow> {
  private constructor(
    private readonly dataSource: DataSource,
    readonly name: string,
    readonly text: string,
    /** The builder's parameters, `slot` where the caller's value goes on each run. */
    private readonly parameters: readonly unknown[],
    private readonly slot: symbol,
  ) {}

  /**
   * `build(slot)` must pass `slot` as the one parameter that varies. Any
   * other parameter the builder adds is frozen into the statement, so it must
   * be a constant (a time must come from SQL's `now()`, never from JS).
   */
  static fromQueryBuilder<TRow>(
    dataSource: DataSource,
    name: string,
    build: (slot: unknown) => SelectQueryBuilder<object>,
  ): PreparedStatement<TRow> {
    const slot = Symbol(name);
    const [text, parameters] = build(slot).getQueryAndParameters();
    if (!parameters.includes(slot)) throw new Error(`${name}: the builder never used its parameter slot`);
    return new PreparedStatement<TRow>(dataSource, name, text, parameters, slot);
  }

  async run(value: unknown): Promise<TRow[]> {
    const values = this.parameters.map((parameter) => (parameter === this.slot ? value : parameter));
    // Logged like TypeORM's own queries, so `logging: true` still shows every statement.
    this.dataSource.logger.logQuery(this.text, values);
    const pool = (this.dataSource.driver as PostgresDriver).master as pg.Pool;
    const result = await pool.query<TRow & pg.QueryResultRow>({ name: this.name, text: this.text, values });
    return result.rows;
  }
}
