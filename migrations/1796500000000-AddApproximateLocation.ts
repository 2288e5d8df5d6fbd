import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddApproximateLocation1796500000000 implements MigrationInterface {
  name = 'AddApproximateLocation1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Where the address appeared to be when it was written ({city, region,
    // country, countryCode}), looked up once in the offline GeoIP database:
    // stored, so a read costs no lookup and a later database does not rewrite
    // history. Null for private and unknown addresses, and for every row
    // written before this column existed (never backfilled: today's database
    // would be guessing about yesterday's address).
    await queryRunner.query(`ALTER TABLE "sessions" ADD "location" jsonb`);
    // An ADD COLUMN fires no row trigger: the log stays append-only.
    await queryRunner.query(`ALTER TABLE "security_events" ADD "location" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "security_events" DROP COLUMN "location"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "location"`);
  }
}
