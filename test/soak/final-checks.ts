import pg from 'pg';

import type { CaughtMail } from '../support/mail-catcher.js';
import type { Figures } from './harness.js';
import { bareMessageId, SUBJECTS } from './inbox.js';
import type { SoakUser } from './model.js';

/**
 * What must hold in the database once the run is over, whatever the faults
 * did: no acknowledged write missing, nothing half-done, every queued mail
 * delivered once. Each check returns the problems it found.
 */
export type FinalCheck = (
  db: pg.Client,
  users: readonly SoakUser[],
  received: readonly CaughtMail[],
  figures: Figures,
) => Promise<string[]>;

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

/**
 * The sessions one lost change (its answer never came) was to end: at the
 * end all of them exist or none does, as `me` checks during the run. Not
 * for groups another lost change overlapped, nor while a lost password
 * change is still unsettled (the run's own rule).
 */
const lostChangesAllOrNone: FinalCheck = async (db, users) => {
  const problems: string[] = [];
  const { rows } = await db.query<{ id: string }>('SELECT id FROM sessions');
  const exists = new Set(rows.map((row) => row.id));
  for (const user of users) {
    if (user.uncertainChange) continue;
    const groups = new Map<number, string[]>();
    for (const device of user.devices)
      if (
        device.state === 'unknown' &&
        device.unknownGroup !== undefined &&
        !user.overlappedGroups.has(device.unknownGroup)
      )
        groups.set(device.unknownGroup, [...(groups.get(device.unknownGroup) ?? []), device.sessionId]);
    for (const ids of groups.values()) {
      const left = ids.filter((id) => exists.has(id));
      if (left.length > 0 && left.length < ids.length)
        problems.push(
          `${user.email}: one lost change ended ${ids.length - left.length} of its ${ids.length} sessions`,
        );
    }
  }
  return problems;
};

/**
 * Whatever the model knows (a sign-in whose answer was lost made a session it
 * never heard of): no session of a user was created before that user's later
 * PASSWORD_RESET or UNRECOGNIZED_SIGN_IN_REPORTED, or a PASSWORD_CHANGED that
 * signed the others out, other than the session that event names (the one a
 * reset made, the one a change was made from). Those end every other session.
 * A change that kept the others (signOutOtherSessions: false) is not told
 * apart from one that found none to end (ended_session_count 0): skipped.
 */
const nothingOutlivesAnEndingOfAll: FinalCheck = async (db) => {
  const { rows } = await db.query<{ id: string; email: string; type: string }>(
    `SELECT s.id, u.email, e.type FROM sessions s
       JOIN users u ON u.id = s.user_id
       JOIN security_events e ON e.user_id = s.user_id
        AND e.occurred_at > s.created_at
        AND e.session_id IS DISTINCT FROM s.id
        AND (e.type IN ('PASSWORD_RESET', 'UNRECOGNIZED_SIGN_IN_REPORTED')
             OR (e.type = 'PASSWORD_CHANGED' AND e.ended_session_count > 0))
      ORDER BY u.email, s.id, e.type`,
  );
  return rows.map((row) => `${row.email}: session ${row.id} outlived a later ${row.type}`);
};

/** Every session row was created with exactly one SIGNED_UP, SIGNED_IN or PASSWORD_RESET event (none half-made). */
const sessionsHaveTheirEvent: FinalCheck = async (db) => {
  const { rows } = await db.query<{ id: string; events: string }>(
    `SELECT s.id, count(e.id) AS events FROM sessions s
       LEFT JOIN security_events e ON e.session_id = s.id
        AND e.type IN ('SIGNED_UP', 'SIGNED_IN', 'PASSWORD_RESET')
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

/**
 * Every queued mail reached the SMTP server, and only queued mail did: the
 * outbox is written in the transaction of its change, so a rolled-back change
 * has no row and sends nothing. The delivery job promises at least once; a
 * copy (same Message-ID) can only follow a crash between the SMTP server's
 * acceptance and the mark, so copies are counted and bounded by the crashes.
 */
const mailDeliveredOnce: FinalCheck = async (db, _users, received, figures) => {
  const problems: string[] = [];
  const { rows } = await db.query<{ message_id: string; recipient: string; subject: string; sent: boolean }>(
    'SELECT message_id, recipient, subject, sent_at IS NOT NULL AS sent FROM mail_outbox',
  );
  const copies = new Map<string, number>();
  const byId = new Map(rows.map((row) => [bareMessageId(row.message_id), row]));
  for (const mail of received) {
    const id = bareMessageId(mail.messageId);
    copies.set(id, (copies.get(id) ?? 0) + 1);
    // A copy is the queued mail only if it went where, and says what, the outbox row does.
    const queued = byId.get(id);
    if (queued && (mail.to !== queued.recipient || mail.subject !== queued.subject))
      problems.push(
        `mail ${id} queued to ${queued.recipient} ("${queued.subject}") arrived to ${mail.to} ("${mail.subject}")`,
      );
  }
  for (const row of rows) {
    const count = copies.get(bareMessageId(row.message_id)) ?? 0;
    if (!row.sent) problems.push(`mail ${row.message_id} to ${row.recipient} never marked sent`);
    if (count === 0) problems.push(`queued mail ${row.message_id} to ${row.recipient} never arrived`);
    if (count > 1) figures.mailCopies += count - 1;
    copies.delete(bareMessageId(row.message_id));
  }
  for (const [id] of copies) problems.push(`mail ${id} arrived but was never queued`);
  // Each mail is marked in its own transaction: a crash can leave at most the
  // one mail each instance had in flight unmarked.
  const crashes = (figures.faults.get('instance-kill') ?? 0) + (figures.faults.get('postgres-restart') ?? 0);
  if (figures.mailCopies > 2 * crashes)
    problems.push(`${figures.mailCopies} mails arrived twice, more than ${crashes} crashes can explain`);
  return problems;
};

/**
 * Each mail matches what caused it, one to one, per account: an alert per
 * NEW_DEVICE_ALERT_SENT, a reset link per PASSWORD_RESET_REQUESTED or
 * UNRECOGNIZED_SIGN_IN_REPORTED, a confirmation per sign-up and per
 * acknowledged requestEmailVerification (plus those whose answer was lost).
 * None to an address without an account.
 */
const mailMatchesItsCause: FinalCheck = async (db, users) => {
  const problems: string[] = [];
  const mails = await db.query<{ recipient: string; subject: string; n: string }>(
    'SELECT recipient, subject, count(*) AS n FROM mail_outbox GROUP BY recipient, subject',
  );
  const events = await db.query<{ email: string; type: string; n: string }>(
    `SELECT u.email, e.type, count(*) AS n FROM security_events e JOIN users u ON u.id = e.user_id
      GROUP BY u.email, e.type`,
  );
  const mailCount = new Map(mails.rows.map((row) => [`${row.recipient}/${row.subject}`, Number(row.n)]));
  const eventCount = new Map(events.rows.map((row) => [`${row.email}/${row.type}`, Number(row.n)]));
  const byEmail = new Map(users.map((user) => [user.email, user]));
  for (const row of mails.rows)
    if (!byEmail.has(row.recipient))
      problems.push(`${row.n} mails "${row.subject}" to ${row.recipient}, who has no account`);
  for (const user of users) {
    const sent = (subject: string) => mailCount.get(`${user.email}/${subject}`) ?? 0;
    const recorded = (...types: string[]) =>
      types.reduce((sum, type) => sum + (eventCount.get(`${user.email}/${type}`) ?? 0), 0);
    const alerts = recorded('NEW_DEVICE_ALERT_SENT');
    if (sent(SUBJECTS.alert) !== alerts)
      problems.push(`${user.email}: ${sent(SUBJECTS.alert)} alert mails for ${alerts} alert events`);
    const resets = recorded('PASSWORD_RESET_REQUESTED', 'UNRECOGNIZED_SIGN_IN_REPORTED');
    if (sent(SUBJECTS.reset) !== resets)
      problems.push(`${user.email}: ${sent(SUBJECTS.reset)} reset mails for ${resets} requests and reports`);
    const { low, high } = user.verificationMails;
    const confirmations = sent(SUBJECTS.verification);
    if (confirmations < low || confirmations > high)
      problems.push(`${user.email}: ${confirmations} confirmation mails, expected ${low}..${high}`);
  }
  return problems;
};

export const FINAL_CHECKS: readonly [string, FinalCheck][] = [
  ['acknowledged sessions', acknowledgedSessions],
  ['lost changes all or none', lostChangesAllOrNone],
  ['nothing outlives an ending of all', nothingOutlivesAnEndingOfAll],
  ['sessions have their event', sessionsHaveTheirEvent],
  ['one event per change', oneEventPerChange],
  ['mail delivered once', mailDeliveredOnce],
  ['mail matches its cause', mailMatchesItsCause],
];
