import type { TestApp } from './test-app.js';

/** A `sessions` row as stored, to check what requests really wrote. */
export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  last_active_at: Date;
  expires_at: Date;
  absolute_expires_at: Date;
  ip_address: string | null;
  user_agent: string | null;
}

export async function sessionRow(app: TestApp, sessionId: string): Promise<SessionRow | undefined> {
  const [row] = await app.sql<SessionRow>('SELECT * FROM sessions WHERE id = $1', [sessionId]);
  return row;
}

export async function sessionIdsOf(app: TestApp, userIds: string[]): Promise<string[]> {
  const rows = await app.sql<{ id: string }>('SELECT id FROM sessions WHERE user_id = ANY($1) ORDER BY id', [
    userIds,
  ]);
  return rows.map((row) => row.id);
}

/** Tokens are `<session id>.<secret>`. */
export function sessionIdOf(token: string): string {
  return token.slice(0, token.indexOf('.'));
}

/** Milliseconds between two stored times. */
export function millisBetween(from: Date, to: Date): number {
  return to.getTime() - from.getTime();
}
