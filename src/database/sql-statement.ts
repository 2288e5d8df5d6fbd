/**
 * One statement of a repository: its SQL as text, reviewed as SQL, and a name
 * that says what it does. The name is also its prepared-statement name, so
 * PostgreSQL parses and plans it once per connection, and it is what a slow
 * statement is recognised by in the logs.
 *
 * `TRow` is the shape of one returned row: the SQL gives every column its
 * camel-cased alias (`user_id AS "userId"`), so rows arrive as typed objects
 * without a mapping step.
 */
export interface SqlStatement<TRow> {
  readonly name: string;
  readonly text: string;
  /** Never set: carries the row type. */
  readonly rowType?: TRow;
}

/** Declares a statement; `name` must be unique in the app (PostgreSQL keys prepared statements by it). */
export function sql<TRow = never>(name: string, text: string): SqlStatement<TRow> {
  return { name, text: text.trim() };
}
