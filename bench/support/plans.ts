import type pg from 'pg';

import type { RecordedStatement } from './server-process.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

export interface ExplainedStatement {
  /** The statement as the server sent it, whitespace collapsed. */
  readonly sql: string;
  /** e.g. "Index Only Scan using IDX_sessions_user_id_expires_at on sessions". */
  readonly accessPaths: string[];
  readonly executionMs?: number;
}

/**
 * EXPLAINs the statements the server really issued, with the values it bound.
 * Reads are run (ANALYZE) for their execution time; writes are only planned.
 */
export async function explainStatements(
  pool: pg.Pool,
  statements: RecordedStatement[],
): Promise<ExplainedStatement[]> {
  const explained: ExplainedStatement[] = [];
  for (const statement of statements) {
    const isRead = /^\s*SELECT/i.test(statement.text);
    const isWrite = /^\s*(UPDATE|DELETE|INSERT)/i.test(statement.text);
    if (!isRead && !isWrite) continue;
    const options = isRead ? 'ANALYZE, FORMAT JSON' : 'FORMAT JSON';
    const { rows } = await pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time'?: number }> }>(
      `EXPLAIN (${options}) ${statement.text}`,
      statement.values,
    );
    const [top] = rows[0]['QUERY PLAN'];
    explained.push({
      sql: statement.text.replace(/\s+/g, ' ').trim(),
      accessPaths: accessPaths(top.Plan),
      executionMs: top['Execution Time'],
    });
  }
  return explained;
}

function accessPaths(node: PlanNode): string[] {
  const own =
    node['Relation Name'] !== undefined
      ? [
          `${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''} on ${node['Relation Name']}`,
        ]
      : node['Index Name']
        ? [`${node['Node Type']} using ${node['Index Name']}`]
        : [];
  return [...own, ...(node.Plans ?? []).flatMap(accessPaths)];
}
