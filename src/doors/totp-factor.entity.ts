import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  OneToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';

import { UserEntity } from '../users/user.entity.js';

/**
 * An account's authenticator app: pending until confirmed with a code, then
 * two-factor is on. The shared secret is sealed (src/two-factor/secret-box.ts) with a key
 * that is not in the database.
 */
@Entity({ name: 'totp_factors' })
export class TotpFactorEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'PK_totp_factors' })
  userId!: string;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_totp_factors_user_id' })
  user?: Relation<UserEntity>;

  @Column({ name: 'secret_ciphertext', type: 'varchar', length: 256 })
  secretCiphertext!: string;

  /** `null` while the enrollment waits for its first code. */
  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;

  /** The RFC 6238 time step of the last code accepted: that code, and every earlier one, is refused. */
  @Column({ name: 'last_used_step', type: 'bigint', default: '0' })
  lastUsedStep!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
