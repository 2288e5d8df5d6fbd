import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';

import { UserEntity } from '../users/user.entity.js';

/**
 * A pending sign-in: the first factor was right and the account has
 * two-factor on. Not a session: not counted, listed, capped or announced.
 * What the first factor proved is kept so that the door can apply it once the
 * second factor is given. The client holds `<id>.<secret>`; only the secret's
 * SHA-256 is stored.
 */
@Entity({ name: 'sign_in_challenges' })
@Index('IDX_sign_in_challenges_user_id', ['userId'])
@Index('IDX_sign_in_challenges_expires_at', ['expiresAt'])
export class SignInChallengeEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sign_in_challenges' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sign_in_challenges_user_id' })
  user?: Relation<UserEntity>;

  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash!: Buffer;

  /** PASSWORD, IDENTITY_PROVIDER or EMAIL_LINK (a password reset). */
  @Column({ name: 'first_factor', type: 'varchar', length: 32 })
  firstFactor!: string;

  @Column({ name: 'identity_provider', type: 'varchar', length: 64, nullable: true })
  identityProvider!: string | null;

  /** PASSWORD: the hash the password matched; the door signs in only while it is still the account's. */
  @Column({ name: 'verified_password_hash', type: 'varchar', length: 255, nullable: true })
  verifiedPasswordHash!: string | null;

  /** EMAIL_LINK: the new password's hash, set when the second factor is given (not before). */
  @Column({ name: 'new_password_hash', type: 'varchar', length: 255, nullable: true })
  newPasswordHash!: string | null;

  /** EMAIL_LINK: the reset link's hash, spent when the reset completes. */
  @Column({ name: 'email_token_hash', type: 'bytea', nullable: true })
  emailTokenHash!: Buffer | null;

  @Column({ name: 'new_account', type: 'boolean', default: false })
  newAccount!: boolean;

  /** Wrong codes so far; the fifth ends the challenge. */
  @Column({ name: 'failed_attempts', type: 'smallint', default: 0 })
  failedAttempts!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
