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

import type { ApproximateLocation } from '../geoip/approximate-location.js';
import type { SignInMethod } from '../sessions/sign-in-method.js';
import { UserEntity } from '../users/user.entity.js';
import type { SecurityEventType } from './security-event-type.js';

/**
 * One thing that happened to an account's sessions or credentials. Append-only
 * (a trigger refuses UPDATE); written in the transaction of the change it
 * records; deleted only by the retention job or with the account.
 */
@Entity({ name: 'security_events' })
// Serves User.securityEvents: a user's events newest first, by keyset
// (occurred_at, id). The migration makes both DESC, as the page reads them.
@Index('IDX_security_events_user_id_occurred_at_id', ['userId', 'occurredAt', 'id'])
// Serves the retention job's scan across all users.
@Index('IDX_security_events_occurred_at', ['occurredAt'])
export class SecurityEventEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_security_events' })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: SecurityEventType;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_security_events_user_id' })
  user?: Relation<UserEntity>;

  /** The session the event concerns; no foreign key: the event outlives it. */
  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId!: string | null;

  /** The session that made the request, when there was one. */
  @Column({ name: 'actor_session_id', type: 'uuid', nullable: true })
  actorSessionId!: string | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 45, nullable: true })
  ipAddress!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  /** Where `ipAddress` appeared to be when the event was written; null when private or unknown. */
  @Column({ type: 'jsonb', nullable: true })
  location!: ApproximateLocation | null;

  /** SIGNED_UP, SIGNED_IN, PASSWORD_RESET: how the new session began (sessions.sign_in_method). */
  @Column({ name: 'sign_in_method', type: 'varchar', length: 16, nullable: true })
  signInMethod!: SignInMethod | null;

  @Column({ name: 'ended_session_count', type: 'integer', nullable: true })
  endedSessionCount!: number | null;

  // The time of the insert, not of the transaction's start (now()): events
  // written by one transaction keep the order they happened in.
  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  occurredAt!: Date;
}
