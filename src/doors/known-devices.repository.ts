import { Injectable } from '@nestjs/common';

import { SqlRunner } from '../database/sql-runner.js';
import { sql } from '../database/sql-statement.js';
import type { Transaction } from '../database/transaction.js';

// RETURNING tells a first sighting from a known device in the same statement
// that records it: two concurrent sign-ins from one new device alert once.
const REMEMBER = sql<{ userId: string }>(
  'known_devices_remember',
  `INSERT INTO known_devices (user_id, device_key) VALUES ($1, $2)
   ON CONFLICT (user_id, device_key) DO NOTHING RETURNING user_id AS "userId"`,
);

/** Every statement on `known_devices`. */
@Injectable()
export class KnownDevicesRepository {
  constructor(private readonly sql: SqlRunner) {}

  /** Records the device for the user; whether it was new. */
  async remember(userId: string, deviceKey: string, transaction: Transaction): Promise<boolean> {
    return (await this.sql.rows(REMEMBER, [userId, deviceKey], transaction)).length > 0;
  }
}
