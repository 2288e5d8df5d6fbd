import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  Unique,
} from 'typeorm';

import { UserEntity } from '../users/user.entity.js';

/** A person at an identity provider (provider, subject), linked to one account. */
@Entity({ name: 'user_identities' })
@Unique('UQ_user_identities_provider_subject', ['provider', 'subject'])
@Index('IDX_user_identities_user_id', ['userId'])
export class UserIdentityEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_user_identities' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_identities_user_id' })
  user?: Relation<UserEntity>;

  /** The provider's id in OIDC_PROVIDERS. */
  @Column({ type: 'varchar', length: 64 })
  provider!: string;

  /** The provider's `sub` claim: stable for the person, unlike the email. */
  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  /** The email the provider reported when the identity was linked. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'linked_at', type: 'timestamptz', default: () => 'now()' })
  linkedAt!: Date;
}
