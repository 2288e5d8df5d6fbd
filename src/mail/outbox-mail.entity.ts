import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One queued mail: written in the transaction of what causes it, sent by the
 * delivery job. No foreign key to users: a mail queued for an account that is
 * then deleted is still the record of what was sent.
 */
@Entity({ name: 'mail_outbox' })
// Serves the delivery job's scan: only unsent rows, oldest due first. The
// predicate is written as PostgreSQL prints it back (pg_get_expr), so the
// schema check reads the two as equal.
@Index('IDX_mail_outbox_due', ['nextAttemptAt'], { where: '(sent_at IS NULL)' })
export class OutboxMailEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_mail_outbox' })
  id!: string;

  @Column({ type: 'varchar', length: 320 })
  recipient!: string;

  @Column({ type: 'varchar', length: 200 })
  subject!: string;

  /** Emptied once sent, given up on, or past the link's expiry: the bodies carry the links' secrets. */
  @Column({ name: 'text_body', type: 'text' })
  textBody!: string;

  @Column({ name: 'html_body', type: 'text' })
  htmlBody!: string;

  /** The Message-ID header, chosen when queued so a retry is recognisably the same mail. */
  @Column({ name: 'message_id', type: 'varchar', length: 200 })
  messageId!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  /** When the mail's link stops working: past it the mail is not sent. Null: a mail with no link. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
