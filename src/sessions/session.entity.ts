import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';

import type { ApproximateLocation } from '../geoip/approximate-location.js';
import { UserEntity } from '../users/user.entity.js';
import type { AuthenticationFactor } from './authentication-factor.js';
import type { SignInMethod } from './sign-in-method.js';

/**
 * One signed-in device. The token handed to the client is `<id>.<secret>`; only
 * the SHA-256 of the secret is kept, so a copy of this table signs no one in.
 */
@Entity({ name: 'sessions' })
// Serves the per-user count, list and the "every other session" delete. The
// list's ORDER BY last_active_at sorts a user's few rows after the index finds
// them; indexing last_active_at would instead cost every touch a non-HOT update.
// The token lookup goes through the primary key: the token starts with the session id.
@Index('IDX_sessions_user_id_expires_at', ['userId', 'expiresAt'])
// Serves the cleanup job's scan for expired rows across all users.
@Index('IDX_sessions_expires_at', ['expiresAt'])
@Check('CHK_sessions_expires_within_absolute', '"expires_at" <= "absolute_expires_at"')
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sessions' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sessions_user_id' })
  user?: Relation<UserEntity>;

  /** SHA-256 of the token's secret part. */
  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_active_at', type: 'timestamptz', default: () => 'now()' })
  lastActiveAt!: Date;

  /** Idle expiry: moved forward by use (sliding), never past `absoluteExpiresAt`. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Sign-in time plus the maximum lifetime: the session ends then, however active. */
  @Column({ name: 'absolute_expires_at', type: 'timestamptz' })
  absoluteExpiresAt!: Date;

  @Column({ name: 'ip_address', type: 'varchar', length: 45, nullable: true })
  ipAddress!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  /** Where `ipAddress` appeared to be when it was written; null when private, unknown, or written before lookups. */
  @Column({ type: 'jsonb', nullable: true })
  location!: ApproximateLocation | null;

  /**
   * When this session last proved its user's identity (sign-in, sign-up,
   * reauthenticate, changePassword): the start of its sudo window.
   */
  @Column({ name: 'authenticated_at', type: 'timestamptz', default: () => 'now()' })
  authenticatedAt!: Date;

  /**
   * The last proof of identity given after sign-in (reauthenticate,
   * changePassword); `null` until one is. Adding a way to sign in needs it
   * within CREDENTIAL_CHANGE_MAX_AGE_SECONDS: the sign-in's own freshness
   * does not count, so a stolen cookie cannot plant a way back in.
   */
  @Column({ name: 'reauthenticated_at', type: 'timestamptz', nullable: true })
  reauthenticatedAt!: Date | null;

  @Column({ name: 'sign_in_method', type: 'varchar', length: 16, default: 'password' })
  signInMethod!: SignInMethod;

  /** The identity provider's id (OIDC_PROVIDERS) when signInMethod is `oidc`. */
  @Column({ name: 'identity_provider', type: 'varchar', length: 64, nullable: true })
  identityProvider!: string | null;

  /** What the session proved when it began, in order: e.g. PASSWORD then TOTP. */
  @Column({
    name: 'authentication_factors',
    type: 'varchar',
    length: 32,
    array: true,
    default: () => "'{}'",
  })
  authenticationFactors!: AuthenticationFactor[];
}
