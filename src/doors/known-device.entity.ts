import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';

import { UserEntity } from '../users/user.entity.js';

/**
 * A device an account has signed up or in from (device.ts says what a device
 * is): a sign-in from one not listed here mails the new-device alert.
 */
@Entity({ name: 'known_devices' })
export class KnownDeviceEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'PK_known_devices' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_known_devices_user_id' })
  user?: Relation<UserEntity>;

  /** deviceKeyOf(): browser family, OS family and network prefix, at most 200 characters. */
  @PrimaryColumn({
    name: 'device_key',
    type: 'varchar',
    length: 200,
    primaryKeyConstraintName: 'PK_known_devices',
  })
  deviceKey!: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz', default: () => 'now()' })
  firstSeenAt!: Date;
}
