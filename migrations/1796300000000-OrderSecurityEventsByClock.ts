import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OrderSecurityEventsByClock1796300000000 implements MigrationInterface {
  name = 'OrderSecurityEventsByClock1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // now() is the transaction's start: every event of one transaction (a
    // sign-in and the new-device alert it sends) had the same time, and the
    // log listed them in random-id order. clock_timestamp() is the time of the
    // insert, so they read in the order they happened.
    await queryRunner.query(
      `ALTER TABLE "security_events" ALTER COLUMN "occurred_at" SET DEFAULT clock_timestamp()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "security_events" ALTER COLUMN "occurred_at" SET DEFAULT now()`);
  }
}
