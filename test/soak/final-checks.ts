import pg from 'pg';

import type { SoakUser } from './model.js';

/**
 * What must hold in the database once the run is over, whatever the faults
 * did: no acknowledged write missing, nothing half-done. Each check returns
 * the problems it found. A "mail delivered exactly once" check (issue 14)
 * plugs in here: add it to FINAL_CHECKS, reading the mail outbox beside the
 * security events it must match one to one.
 */
export type FinalCheck = (db: pg.Client, users: readonly SoakUser[]) => Promise<string[]>;

/** Every session alive in the model exists; every session it saw end does not. */
const acknowledgedSessions: FinalCheck = async (db, users) => {
  const problems: string[] = [];
  const { rows } = await db.query<{ id: string; user_id: string }>('SELECT id, user_id FROM sessions');
  const owner = new Map(rows.map((row) => [row.id, row.user_id]));
  for (const user of users)
    for (const device of user.devices) {
      if (device.state === 'alive' && owner.get(device.sessionId) !== user.id)
        problems.push(`acknowledged session ${device.sessionId} of ${user.email} is missing`);
      if (device.state === 'ended' && owner.has(device.sessionId))
        problems.push(`ended session ${device.sessionId} of ${user.email} still exists`);
    }
  return problems;
};

/** Every session row was created with exactly one SIGNED_UP or SIGNED_IN event (none half-made). */
const sessionsHaveTheirEvent: FinalCheck = async (db) => {
  const { rows } = await db.query<{ id: string; events: string }>(
    `SELECT s.id, count(e.id) AS events FROM sessions s
       LEFT JOIN security_events e ON e.session_id = s.id AND e.type IN ('SIGNED_UP', 'SIGNED_IN')
      GROUP BY s.id HAVING count(e.id) <> 1`,
  );
  return rows.map((row) => `session ${row.id} has ${row.events} sign-in events`);
};

/** Per user and type, the events lie between the acknowledged changes and those plus the unknown outcomes. */
const oneEventPerChange: FinalCheck = async (db, users) => {
  const problems: string[] = [];
  const { rows } = await db.query<{ user_id: string; type: string; n: string }>(
    'SELECT user_id, type, count(*) AS n FROM security_events WHERE user_id IS NOT NULL GROUP BY user_id, type',
  );
  const actual = new Map(rows.map((row) => [`${row.user_id}/${row.type}`, Number(row.n)]));
  for (const user of users) {
    const types = new Set([...user.events.acknowledged.keys(), ...user.events.unknown.keys()]);
    for (const [key] of actual) if (key.startsWith(`${user.id}/`)) types.add(key.split('/')[1]);
    for (const type of types) {
      const low = user.events.acknowledged.get(type) ?? 0;
      const high = low + (user.events.unknown.get(type) ?? 0);
      const count = actual.get(`${user.id}/${type}`) ?? 0;
      if (count < low || count > high)
        problems.push(`${user.email}: ${count} ${type} events, expected ${low}..${high}`);
    }
  }
  return problems;
};

export const FINAL_CHECKS: readonly [string, FinalCheck][] = [
  ['acknowledged sessions', acknowledgedSessions],
  ['sessions have their event', sessionsHaveTheirEvent],
  ['one event per change', oneEventPerChange],
];
