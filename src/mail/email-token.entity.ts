import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  Unique,
} from 'typeorm';

import { UserEntity } from '../users/user.entity.js';
import type { EmailTokenPurpose } from './email-token-purpose.js';

/**
 * The single-use secret of an emailed link (verify, reset, "This wasn't me").
 * Only SHA-256(secret) is stored, so a copy of this table opens no link.
 */
@Entity({ name: 'email_tokens' })
// The link's lookup: one hash names one token.
@Unique('UQ_email_tokens_secret_hash', ['secretHash'])
// Serves spending every unused token of a purpose when a new one is sent or one is used.
@Index('IDX_email_tokens_user_id_purpose', ['userId', 'purpose'])
export class EmailTokenEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_email_tokens' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_email_tokens_user_id' })
  user?: Relation<UserEntity>;

  @Column({ type: 'varchar', length: 16 })
  purpose!: EmailTokenPurpose;

  /** SHA-256 of the link's secret. */
  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash!: Buffer;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** When the link was used (or spent by a newer one); null while it still opens. */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
