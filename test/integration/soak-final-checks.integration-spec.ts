import { randomUUID } from 'node:crypto';

import pg from 'pg';

import { FINAL_CHECKS } from '../soak/final-checks.js';
import { Figures } from '../soak/harness.js';
import { SUBJECTS } from '../soak/inbox.js';
import { signedUpUser, type SoakUser } from '../soak/model.js';
import { issueSession, signUpUser } from '../support/accounts.js';
import type { CaughtMail } from '../support/mail-catcher.js';
import { sessionIdOf } from '../support/session-rows.js';
import { useTestModule } from '../support/test-module.js';

/**
 * The soak (test/soak/) judges a whole run by the database it leaves. Its
 * final checks are shown here on a small database: silent when it is
 * consistent, and naming each kind of damage a defect could leave, so a
 * passing soak means something.
 */
describe("the soak's final checks", () => {
  const module = useTestModule();
  let users: SoakUser[];
  let received: CaughtMail[];

  /** A user as the soak's model knows it right after sign-up, and the confirmation mail it was sent. */
  async function signedUp(): Promise<SoakUser> {
    const account = await signUpUser(module);
    const user = signedUpUser(account.id, account.email, account.password);
    user.devices.push({
      sessionId: sessionIdOf(account.token),
      token: account.token,
      state: 'alive',
      instance: 0,
    });
    // Delivered, as the delivery job would: marked sent, and in the SMTP server's hands.
    await module.sql('UPDATE mail_outbox SET sent_at = now() WHERE recipient = $1', [user.email]);
    const sent = await module.sql<{ message_id: string }>(
      'SELECT message_id FROM mail_outbox WHERE recipient = $1',
      [user.email],
    );
    for (const row of sent) received.push(caught(user.email, SUBJECTS.verification, row.message_id));
    return user;
  }

  function caught(to: string, subject: string, messageId: string): CaughtMail {
    return { to, subject, text: '', html: '', messageId, link: undefined };
  }

  async function problems(figures = new Figures()): Promise<string[]> {
    const db = new pg.Client({ connectionString: module.database.directUrl ?? module.database.url });
    await db.connect();
    try {
      const found: string[] = [];
      for (const [name, check] of FINAL_CHECKS)
        for (const problem of await check(db, users, received, figures)) found.push(`${name}: ${problem}`);
      return found;
    } finally {
      await db.end();
    }
  }

  /** The problems one check found (the others may also react to the damage made). */
  async function problemsOf(check: string, figures = new Figures()): Promise<string[]> {
    return (await problems(figures)).filter((problem) => problem.startsWith(`${check}: `));
  }

  /** A row as the app writes it to the security log. */
  async function recordEvent(userId: string, type: string, sessionId: string | null = null): Promise<void> {
    await module.sql('INSERT INTO security_events (type, user_id, session_id) VALUES ($1, $2, $3)', [
      type,
      userId,
      sessionId,
    ]);
  }

  /** A mail queued, marked sent and received by the SMTP server, as the delivery job would leave it. */
  async function delivered(to: string, subject: string): Promise<string> {
    const messageId = `<${randomUUID()}@sessions.mail>`;
    await module.sql(
      `INSERT INTO mail_outbox (recipient, subject, text_body, html_body, message_id, sent_at)
       VALUES ($1, $2, '', '', $3, now())`,
      [to, subject, messageId],
    );
    received.push(caught(to, subject, messageId));
    return messageId;
  }

  beforeEach(async () => {
    received = [];
    users = [await signedUp(), await signedUp()];
  });

  afterEach(async () => {
    await module.sql('DELETE FROM mail_outbox');
    await module.sql('DELETE FROM users');
  });

  it('find nothing wrong in a consistent database', async () => {
    expect(await problems()).toEqual([]);
  });

  it('name a session without its sign-in event, an acknowledged session gone, and an ended one still there', async () => {
    const [alice, bob] = users;
    await module.sql('DELETE FROM security_events WHERE session_id = $1', [alice.devices[0].sessionId]);
    await module.sql('DELETE FROM sessions WHERE id = $1', [bob.devices[0].sessionId]);
    const carol = await signedUp();
    users.push(carol);
    carol.devices[0].state = 'ended';

    expect(await problems()).toEqual(
      expect.arrayContaining([
        `acknowledged sessions: acknowledged session ${bob.devices[0].sessionId} of ${bob.email} is missing`,
        `acknowledged sessions: ended session ${carol.devices[0].sessionId} of ${carol.email} still exists`,
        `sessions have their event: session ${alice.devices[0].sessionId} has 0 sign-in events`,
        `one event per change: ${alice.email}: 0 SIGNED_UP events, expected 1..1`,
      ]),
    );
  });

  it('name a queued mail that never arrived, one that arrived without being queued, and unexplained copies', async () => {
    const [alice, bob] = users;
    const lost = received.find((mail) => mail.to === alice.email)!;
    const copied = received.find((mail) => mail.to === bob.email)!;
    received = [copied, copied, caught(bob.email, SUBJECTS.reset, `<${randomUUID()}@sessions.mail>`)];

    const found = await problems();

    expect(found).toEqual(
      expect.arrayContaining([
        `mail delivered once: queued mail ${lost.messageId} to ${alice.email} never arrived`,
        expect.stringMatching(/^mail delivered once: mail .+@sessions\.mail arrived but was never queued$/),
        'mail delivered once: 1 mails arrived twice, more than 0 crashes can explain',
      ]),
    );
    // One database restart can leave one mail in flight per instance: that copy is explained.
    const restarted = new Figures();
    restarted.faults.set('postgres-restart', 1);
    expect((await problems(restarted)).filter((problem) => problem.includes('twice'))).toEqual([]);
  });

  it('name a mail without the event of its cause, and confirmations beyond what the model allows', async () => {
    const [alice, bob] = users;
    // A reset link queued with no PASSWORD_RESET_REQUESTED beside it (half a transaction).
    const messageId = `<${randomUUID()}@sessions.mail>`;
    await module.sql(
      `INSERT INTO mail_outbox (recipient, subject, text_body, html_body, message_id, sent_at)
       VALUES ($1, $2, '', '', $3, now())`,
      [alice.email, SUBJECTS.reset, messageId],
    );
    received.push(caught(alice.email, SUBJECTS.reset, messageId));
    bob.verificationMails.low = 2;
    bob.verificationMails.high = 3;

    expect(await problems()).toEqual([
      `mail matches its cause: ${alice.email}: 1 reset mails for 0 requests and reports`,
      `mail matches its cause: ${bob.email}: 1 confirmation mails, expected 2..3`,
    ]);
  });

  it('name a mail never marked sent, and a mail to an address with no account', async () => {
    const [alice] = users;
    const [queued] = await module.sql<{ message_id: string }>(
      'SELECT message_id FROM mail_outbox WHERE recipient = $1',
      [alice.email],
    );
    await module.sql('UPDATE mail_outbox SET sent_at = NULL WHERE recipient = $1', [alice.email]);
    const stranger = `nobody-${randomUUID().slice(0, 8)}@example.com`;
    await delivered(stranger, SUBJECTS.reset);

    expect(await problemsOf('mail delivered once')).toEqual([
      `mail delivered once: mail ${queued.message_id} to ${alice.email} never marked sent`,
    ]);
    expect(await problemsOf('mail matches its cause')).toEqual([
      `mail matches its cause: 1 mails "${SUBJECTS.reset}" to ${stranger}, who has no account`,
    ]);
  });

  it('name a copy delivered to another address or with another subject than its outbox row', async () => {
    const [alice, bob] = users;
    const aliceMail = received.findIndex((mail) => mail.to === alice.email);
    const bobMail = received.findIndex((mail) => mail.to === bob.email);
    const id = (index: number) => received[index].messageId!.replace(/^<|>$/g, '');
    received[aliceMail] = { ...received[aliceMail], to: bob.email };
    received[bobMail] = { ...received[bobMail], subject: SUBJECTS.reset };

    expect((await problemsOf('mail delivered once')).sort()).toEqual(
      [
        `mail delivered once: mail ${id(aliceMail)} queued to ${alice.email} ("${SUBJECTS.verification}") arrived to ${bob.email} ("${SUBJECTS.verification}")`,
        `mail delivered once: mail ${id(bobMail)} queued to ${bob.email} ("${SUBJECTS.verification}") arrived to ${bob.email} ("${SUBJECTS.reset}")`,
      ].sort(),
    );
  });

  it('name alert mails that do not match the alert events', async () => {
    const [alice] = users;
    await delivered(alice.email, SUBJECTS.alert);

    expect(await problemsOf('mail matches its cause')).toEqual([
      `mail matches its cause: ${alice.email}: 1 alert mails for 0 alert events`,
    ]);
  });

  it('name events above what the model allows, and a session with two sign-in events', async () => {
    const [alice, bob] = users;
    await recordEvent(alice.id, 'SIGNED_IN');
    await recordEvent(bob.id, 'SIGNED_IN', bob.devices[0].sessionId);

    expect(await problemsOf('one event per change')).toEqual(
      [alice, bob].map((user) => `one event per change: ${user.email}: 1 SIGNED_IN events, expected 0..0`),
    );
    expect(await problemsOf('sessions have their event')).toEqual([
      `sessions have their event: session ${bob.devices[0].sessionId} has 2 sign-in events`,
    ]);
  });

  it('name a lost change that ended only some of its sessions, unless another lost change overlapped it', async () => {
    const [alice] = users;
    const laptop = alice.devices[0];
    const phone = await issueSession(module, alice);
    alice.devices.push({ sessionId: phone.sessionId, token: phone.token, state: 'alive', instance: 0 });
    // signOutOtherSessions from a third device, its answer lost: both were to end, or neither.
    for (const device of alice.devices) Object.assign(device, { state: 'unknown', unknownGroup: 7 });
    await module.sql('DELETE FROM sessions WHERE id = $1', [laptop.sessionId]);

    expect(await problemsOf('lost changes all or none')).toEqual([
      `lost changes all or none: ${alice.email}: one lost change ended 1 of its 2 sessions`,
    ]);
    alice.overlappedGroups.add(7);
    expect(await problemsOf('lost changes all or none')).toEqual([]);
  });

  it('name a session the model never knew that outlived a later reset, report or password change', async () => {
    const [alice, bob] = users;
    // A sign-in whose answer was lost: its session is in no device list.
    const unseen = await issueSession(module, alice);
    await recordEvent(alice.id, 'PASSWORD_RESET');
    const kept = await issueSession(module, bob);
    // A change that signed the others out, made from Bob's first session: that one stays.
    await module.sql(
      `INSERT INTO security_events (type, user_id, session_id, ended_session_count)
       VALUES ('PASSWORD_CHANGED', $1, $2, 1)`,
      [bob.id, bob.devices[0].sessionId],
    );

    expect((await problemsOf('nothing outlives an ending of all')).sort()).toEqual(
      [
        `nothing outlives an ending of all: ${alice.email}: session ${alice.devices[0].sessionId} outlived a later PASSWORD_RESET`,
        `nothing outlives an ending of all: ${alice.email}: session ${unseen.sessionId} outlived a later PASSWORD_RESET`,
        `nothing outlives an ending of all: ${bob.email}: session ${kept.sessionId} outlived a later PASSWORD_CHANGED`,
      ].sort(),
    );
  });
});
