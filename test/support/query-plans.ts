import type { RecordedStatement } from './statement-recorder.js';
import type { TestModule } from './test-module.js';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** e.g. ['Index Scan using PK_sessions on sessions', 'Index Scan using PK_users on users']. */
export function accessPaths(node: PlanNode): string[] {
  const own = node['Index Name']
    ? [
        `${node['Node Type']} using ${node['Index Name']}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}`,
      ]
    : node['Relation Name'] && node['Node Type'] !== 'ModifyTable'
      ? [`${node['Node Type']} on ${node['Relation Name']}`]
      : [];
  return [...own, ...(node.Plans ?? []).flatMap(accessPaths)];
}

/** The access paths of the plan PostgreSQL picks for a statement the app sent, with the values it bound. */
export async function accessPathsOf(
  module: TestModule,
  { text, values }: RecordedStatement,
): Promise<string[]> {
  const [{ 'QUERY PLAN': plan }] = await module.sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `EXPLAIN (FORMAT JSON) ${text}`,
    values,
  );
  return accessPaths(plan[0].Plan);
}
