import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A person's account. Holds the password hash, so it never leaves the service:
 * the GraphQL `User` type is a separate class (user.model.ts).
 */
@Entity({ name: 'users' })
@Unique('UQ_users_email', ['email'])
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_users' })
  id!: string;

  /** Trimmed and lower-cased before it is stored, so uniqueness ignores case. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** `null` for an account that signs in only through an identity provider. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** When the address was confirmed through the emailed link; null until then. */
  @Column({ name: 'email_verified_at', type: 'timestamptz', nullable: true })
  emailVerifiedAt!: Date | null;

  /** Set by "This wasn't me": the right password then answers PASSWORD_RESET_REQUIRED. The hash stays. */
  @Column({ name: 'password_reset_required', type: 'boolean', default: false })
  passwordResetRequired!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
