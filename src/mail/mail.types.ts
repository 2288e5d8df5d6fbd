/** One mail as a flow writes it: plain text and HTML, no remote images, no tracking. */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The link the mail carries, printed in the log when mail goes to files (development). */
  readonly link?: string;
  /** How long the link works: past it the mail is not sent and its bodies are emptied. */
  readonly linkTtlSeconds?: number;
}

/** A row of the outbox claimed for delivery. */
export interface QueuedMail {
  readonly id: string;
  readonly recipient: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly messageId: string;
  readonly attempts: number;
}
