import { addSessions, createUser } from './support/factories.js';
import type { RecordedStatement } from './support/statement-recorder.js';
import { useTestApp } from './support/test-app.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** e.g. ['Index Scan using PK_sessions on sessions', 'Index Scan using PK_users on users']. */
function accessPaths(node: PlanNode): string[] {
  const own = node['Index Name']
    ? [
        `${node['Node Type']} using ${node['Index Name']}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}`,
      ]
    : node['Relation Name']
      ? [`${node['Node Type']} on ${node['Relation Name']}`]
      : [];
  return [...own, ...(node.Plans ?? []).flatMap(accessPaths)];
}

/**
 * The index each statement on `sessions` must go through: the token lookup
 * (and any update by session id) the primary key, since the token starts with
 * the session id; the count and the bulk delete the (user_id, expires_at) index.
 */
function expectedIndex(sql: string): string {
  if (/^\s*DELETE/i.test(sql) || /count\(/i.test(sql)) return 'IDX_sessions_user_id_expires_at';
  return 'PK_sessions';
}

/**
 * With enough rows and fresh statistics, PostgreSQL's planner picks the
 * indexes on its own: these are the plans of the SQL the app really sends,
 * with the values it really binds, not of hand-written look-alikes.
 */
describe('queries on a large sessions table', () => {
  const app = useTestApp();

  beforeAll(async () => {
    // 2,000 other users with 25 sessions each (one in ten expired): 50,000 rows.
    await app.sql(
      `INSERT INTO users (email, password_hash)
       SELECT 'crowd-' || g || '@example.com', 'not a real hash' FROM generate_series(1, 2000) g`,
    );
    await app.sql(
      `INSERT INTO sessions (user_id, secret_hash, expires_at, absolute_expires_at)
       SELECT u.id, sha256(convert_to(u.id::text || g::text, 'UTF8')),
              now() + CASE WHEN g % 10 = 0 THEN interval '-1 hour' ELSE interval '20 days' END,
              now() + interval '90 days'
         FROM users u CROSS JOIN generate_series(1, 25) g`,
    );
  });

  async function plansOf(statements: RecordedStatement[]) {
    const onSessions = statements.filter(({ text }) =>
      /^\s*(SELECT|UPDATE|DELETE)\b[\s\S]*\bsessions\b/i.test(text),
    );
    return Promise.all(
      onSessions.map(async ({ text, values }) => {
        const [{ 'QUERY PLAN': plan }] = await app.sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
          `EXPLAIN (FORMAT JSON) ${text}`,
          values,
        );
        return { expectedIndex: expectedIndex(text), accessPaths: accessPaths(plan[0].Plan) };
      }),
    );
  }

  it('looks up the token, counts and signs out other sessions through indexes, scanning no table', async () => {
    const alice = await createUser(app);
    await addSessions(app, alice, 5);
    await app.sql('ANALYZE users');
    await app.sql('ANALYZE sessions');

    const reads = await app.statementsDuring(() =>
      app.gql('{ me { id activeSessionCount } }', {}, { token: alice.token }),
    );
    const signOut = await app.statementsDuring(() =>
      app.gql('mutation { signOutOtherSessions { signedOutCount } }', {}, { token: alice.token }),
    );
    const plans = await plansOf([...reads, ...signOut]);

    expect(plans.map((plan) => plan.expectedIndex)).toEqual(
      expect.arrayContaining(['PK_sessions', 'IDX_sessions_user_id_expires_at']),
    );
    expect(plans.some(({ accessPaths }) => accessPaths.some((path) => path.startsWith('Seq Scan')))).toBe(
      false,
    );
    for (const { expectedIndex, accessPaths } of plans) {
      expect(accessPaths.filter((path) => path.endsWith(' on sessions') || !path.includes(' on '))).toEqual(
        expect.arrayContaining([expect.stringContaining(`using ${expectedIndex}`)]),
      );
    }
    expect(await app.sql('SELECT id FROM sessions WHERE user_id = $1', [alice.id])).toHaveLength(1);
  });
});
