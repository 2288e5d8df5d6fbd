import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A challenge handed out in WebAuthn options, kept until it is answered
 * (single use) or lapses. `registration` is bound to the account and the
 * session that asked; `assertion` to an account when the options named its
 * passkeys, or to none (a sign-in where no email was typed). No foreign key:
 * a challenge is handed out while the account's row may be locked by the
 * request that asks for it, and one of a deleted account simply lapses.
 */
@Entity({ name: 'passkey_challenges' })
@Index('IDX_passkey_challenges_expires_at', ['expiresAt'])
export class PasskeyChallengeEntity {
  /** SHA-256 of the challenge as the options carry it (base64url). */
  @PrimaryColumn({ name: 'challenge_hash', type: 'bytea', primaryKeyConstraintName: 'PK_passkey_challenges' })
  challengeHash!: Buffer;

  @Column({ name: 'purpose', type: 'varchar', length: 16 })
  purpose!: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  /** registration: the session that started it (and must finish it). */
  @Column({ name: 'bound_to', type: 'uuid', nullable: true })
  boundTo!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
