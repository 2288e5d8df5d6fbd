import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Attempts by one client (or one client at one account) at one mutation in
 * the current window. Kept in PostgreSQL so that every instance of the
 * service counts against the same limit.
 */
@Entity({ name: 'rate_limit_counters' })
// Serves the sweep that deletes counters whose window has ended.
@Index('IDX_rate_limit_counters_window_ends_at', ['windowEndsAt'])
export class RateLimitCounterEntity {
  /** SHA-256 (hex) of what is counted: no IP address or email is stored in clear. */
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_rate_limit_counters' })
  key!: string;

  @Column({ type: 'integer' })
  hits!: number;

  @Column({ name: 'window_ends_at', type: 'timestamptz' })
  windowEndsAt!: Date;
}
