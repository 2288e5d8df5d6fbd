import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddMailOutboxExpiry1796450000000 implements MigrationInterface {
  name = 'AddMailOutboxExpiry1796450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // When the mail's link stops working: past it the mail is not sent, and its
    // bodies (which hold the link's secret in clear) are emptied. NULL: no link.
    await queryRunner.query(`ALTER TABLE "mail_outbox" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "mail_outbox" DROP COLUMN "expires_at"`);
  }
}
