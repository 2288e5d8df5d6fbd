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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
