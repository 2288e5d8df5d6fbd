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

/**
 * A passkey (WebAuthn credential) of an account: a way in on its own, and a
 * second factor. Only its public key is kept; the private key never leaves
 * the authenticator. One credential id belongs to one account.
 */
@Entity({ name: 'passkeys' })
@Index('IDX_passkeys_user_id', ['userId'])
@Unique('UQ_passkeys_credential_id', ['credentialId'])
export class PasskeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_passkeys' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_passkeys_user_id' })
  user?: Relation<UserEntity>;

  /** The credential id as base64url, as browsers send it. */
  @Column({ name: 'credential_id', type: 'varchar', length: 1400 })
  credentialId!: string;

  /** The COSE public key the authenticator made at registration. */
  @Column({ name: 'public_key', type: 'bytea' })
  publicKey!: Buffer;

  /** The authenticator's signature counter; 0 for those that keep none (synced passkeys). */
  @Column({ name: 'counter', type: 'bigint', default: 0 })
  counter!: string;

  @Column({ name: 'transports', type: 'varchar', length: 32, array: true, default: () => "'{}'" })
  transports!: string[];

  @Column({ name: 'backup_eligible', type: 'boolean', default: false })
  backupEligible!: boolean;

  @Column({ name: 'backed_up', type: 'boolean', default: false })
  backedUp!: boolean;

  /** Which make of authenticator, when it says (all zero for many). */
  @Column({ name: 'aaguid', type: 'uuid', nullable: true })
  aaguid!: string | null;

  @Column({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
