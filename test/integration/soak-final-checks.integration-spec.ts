import { randomUUID } from 'node:crypto';

import pg from 'pg';

import { FINAL_CHECKS } from '../soak/final-checks.js';
import { Figures } from '../soak/harness.js';
import { SUBJECTS } from '../soak/inbox.js';
import { signedUpUser, type SoakUser } from '../soak/model.js';
import { signUpUser } from '../support/accounts.js';
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
});
