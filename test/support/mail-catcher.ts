import type { AddressInfo } from 'node:net';

import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly messageId: string | undefined;
  /** The first http(s) link of the plain-text body. */
  readonly link: string | undefined;
}

/**
 * A real SMTP server on a free port of 127.0.0.1 that keeps what it receives,
 * read back with mailparser. `refuse()` makes it answer every message with a
 * temporary failure (an outage), `accept()` ends that.
 */
export class MailCatcher {
  readonly received: CaughtMail[] = [];
  private refusing = false;
  private waiters: Array<() => void> = [];
  private hold?: { skip: number; reached: () => void; released: Promise<void> };

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<MailCatcher> {
    // The server's handler needs the catcher, which needs the server: filled in below.
    const holder: { catcher?: MailCatcher } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        if (holder.catcher?.refusing) {
          stream.resume();
          stream.on('end', () =>
            callback(Object.assign(new Error('Try again later'), { responseCode: 451 })),
          );
          return;
        }
        simpleParser(stream)
          .then(async (mail) => {
            holder.catcher?.keep(mail);
            await holder.catcher?.acceptance();
            callback();
          })
          .catch(callback);
      },
    });
    // A sender that dies mid-conversation (the soak SIGKILLs instances) resets
    // its connection: routine for a mail server, not a reason to crash the test.
    server.on('error', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.catcher = new MailCatcher(server, (server.server.address() as AddressInfo).port);
    return holder.catcher;
  }

  /** The env that points the app at this server. */
  get env(): Record<string, string> {
    return { SMTP_URL: `smtp://127.0.0.1:${this.port}`, MAIL_FROM: 'Sessions <no-reply@example.com>' };
  }

  /**
   * The mail after the next `skip` ones is kept but not yet accepted: the
   * sender waits for the SMTP answer until `release()`. `held` resolves once
   * that mail is here. (A crash between acceptance and the sender's mark.)
   */
  holdAcceptance(skip = 0): { held: Promise<void>; release: () => void } {
    let release = (): void => {};
    let reached = (): void => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const held = new Promise<void>((resolve) => (reached = resolve));
    this.hold = { skip, reached, released };
    return { held, release };
  }

  refuse(): void {
    this.refusing = true;
  }

  accept(): void {
    this.refusing = false;
  }

  /** Mail received so far for `address` (with this subject, when given). */
  to(address: string, subject?: string): CaughtMail[] {
    return this.received.filter(
      (mail) => mail.to === address && (subject === undefined || mail.subject === subject),
    );
  }

  /** Waits until `address` has received `count` such mails (the test's timeout bounds it). */
  async waitFor(address: string, count = 1, subject?: string): Promise<CaughtMail[]> {
    while (this.to(address, subject).length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.to(address, subject);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves when the mail just kept may be accepted. */
  private async acceptance(): Promise<void> {
    const hold = this.hold;
    if (!hold) return;
    if (hold.skip-- > 0) return;
    this.hold = undefined;
    hold.reached();
    await hold.released;
  }

  private keep(mail: ParsedMail): void {
    const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
    const text = mail.text ?? '';
    this.received.push({
      to: to?.value[0]?.address ?? '',
      subject: mail.subject ?? '',
      text,
      html: typeof mail.html === 'string' ? mail.html : '',
      messageId: mail.messageId,
      link: /https?:\/\/\S+/.exec(text)?.[0],
    });
    for (const wake of this.waiters.splice(0)) wake();
  }
}
