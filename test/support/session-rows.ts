import type { TestModule } from './test-module.js';

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

export async function sessionRow(app: TestModule, sessionId: string): Promise<SessionRow | undefined> {
  const [row] = await app.sql<SessionRow>('SELECT * FROM sessions WHERE id = $1', [sessionId]);
  return row;
}

export async function sessionIdsOf(app: TestModule, userIds: string[]): Promise<string[]> {
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

/**
 * Moves every time of these sessions `seconds` into the past, as if that much
 * time had gone by since they were written: tests of expiry and touching
 * drive time through the database instead of sleeping, so no assertion
 * hangs on a sub-second margin of the wall clock.
 */
export async function ageSessions(app: TestModule, sessionIds: string[], seconds: number): Promise<void> {
  await app.sql(
    `UPDATE sessions SET created_at = created_at - $2 * interval '1 second',
                         last_active_at = last_active_at - $2 * interval '1 second',
                         expires_at = expires_at - $2 * interval '1 second',
                         absolute_expires_at = absolute_expires_at - $2 * interval '1 second'
      WHERE id = ANY($1)`,
    [sessionIds, seconds],
  );
}

/**
 * Moves these sessions' last proof of identity `seconds` into the past, as if
 * they had signed in that long ago: the sudo window is tested through the
 * database's clock, never by sleeping.
 */
export async function ageAuthentication(
  app: TestModule,
  sessionIds: string[],
  seconds: number,
): Promise<void> {
  await app.sql(
    `UPDATE sessions SET authenticated_at = authenticated_at - $2 * interval '1 second',
                         reauthenticated_at = reauthenticated_at - $2 * interval '1 second'
      WHERE id = ANY($1)`,
    [sessionIds, seconds],
  );
}

/** Every `sessions` row of these users, ordered, for before/after comparisons. */
export function sessionRowsOf(app: TestModule, userIds: string[]): Promise<SessionRow[]> {
  return app.sql<SessionRow>('SELECT * FROM sessions WHERE user_id = ANY($1) ORDER BY id', [userIds]);
}

/** A `security_events` row as stored. */
export interface SecurityEventRow {
  id: string;
  type: string;
  user_id: string;
  session_id: string | null;
  actor_session_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  ended_session_count: number | null;
  occurred_at: Date;
}

/** The user's security events, oldest first. */
export function securityEventRowsOf(app: TestModule, userId: string): Promise<SecurityEventRow[]> {
  return app.sql<SecurityEventRow>(
    'SELECT * FROM security_events WHERE user_id = $1 ORDER BY occurred_at, id',
    [userId],
  );
}
