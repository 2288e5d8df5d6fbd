import { UnitOfWork } from '../../../src/database/transaction.js';
import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { Mailer } from '../../../src/mail/mailer.js';
import { uniqueEmail } from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { TestApp } from '../../support/test-app.js';

const QUIET = { MAIL_DELIVERY_INTERVAL_MS: '3600000' };

function mailTo(to: string) {
  return { to, subject: 'Hello', text: 'Plain words.', html: '<p>Plain words.</p>' };
}

describe('the outbox', () => {
  let catcher: MailCatcher;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    first = await TestApp.create({ ...catcher.env, ...QUIET });
    // A second instance of the service on the same database, as in production.
    second = await TestApp.create({ ...catcher.env, ...QUIET }, { shareDatabaseOf: first });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await catcher?.close();
  });

  it('sends nothing for a change that rolled back', async () => {
    const kept = uniqueEmail();
    const rolledBack = uniqueEmail();
    const unitOfWork = first.get(UnitOfWork);
    const mailer = first.get(Mailer);
    await expect(
      unitOfWork.run(async (transaction) => {
        await mailer.queue(mailTo(rolledBack), transaction);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await unitOfWork.run((transaction) => mailer.queue(mailTo(kept), transaction));

    await first.get(MailDeliveryJob).run();

    expect(await catcher.waitFor(kept)).toHaveLength(1);
    expect(catcher.to(rolledBack)).toEqual([]);
  });

  it('sends again only the mail in flight when the connection dies between the SMTP acceptance and the mark', async () => {
    const recipients = Array.from({ length: 4 }, () => uniqueEmail());
    const unitOfWork = first.get(UnitOfWork);
    await unitOfWork.run(async (transaction) => {
      for (const to of recipients) await first.get(Mailer).queue(mailTo(to), transaction);
    });
    // The third mail is accepted only after its sender's database connection is gone.
    const { held, release } = catcher.holdAcceptance(2);

    const interrupted = first.get(MailDeliveryJob).run();
    await held;
    await first.sql(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'mail_outbox' AND l.pid <> pg_backend_pid()`,
    );
    release();
    await interrupted;
    await first.get(MailDeliveryJob).run();

    const copies = recipients.map((to) => catcher.to(to).length).sort();
    // The two sent before it were marked in their own transactions: not sent again.
    expect(copies).toEqual([1, 1, 1, 2]);
    const twice = recipients.find((to) => catcher.to(to).length === 2)!;
    const [original, copy] = catcher.to(twice);
    expect(copy.messageId).toBe(original.messageId);
    const unsent = await first.sql(
      'SELECT 1 FROM mail_outbox WHERE recipient = ANY($1) AND sent_at IS NULL',
      [recipients],
    );
    expect(unsent).toEqual([]);
  });

  it('has two instances delivering at once send every mail exactly once, with its Message-ID', async () => {
    const recipients = Array.from({ length: 25 }, () => uniqueEmail());
    const unitOfWork = first.get(UnitOfWork);
    await unitOfWork.run(async (transaction) => {
      for (const to of recipients) await first.get(Mailer).queue(mailTo(to), transaction);
    });

    await Promise.all([first.get(MailDeliveryJob).run(), second.get(MailDeliveryJob).run()]);

    for (const to of recipients) expect(await catcher.waitFor(to)).toHaveLength(1);
    const rows = await first.sql<{ message_id: string }>(
      'SELECT message_id FROM mail_outbox WHERE recipient = ANY($1) AND sent_at IS NOT NULL',
      [recipients],
    );
    expect(rows).toHaveLength(recipients.length);
    const sentIds = recipients.map((to) => catcher.to(to)[0].messageId);
    expect(new Set(sentIds)).toEqual(new Set(rows.map((row) => row.message_id)));
  });
});
