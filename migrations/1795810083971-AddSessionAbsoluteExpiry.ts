import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSessionAbsoluteExpiry1795810083971 implements MigrationInterface {
  name = 'AddSessionAbsoluteExpiry1795810083971';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The absolute end of a session, fixed at sign-in; renewals never move expires_at past it.
    await queryRunner.query(`ALTER TABLE "sessions" ADD "absolute_expires_at" TIMESTAMP WITH TIME ZONE`);
    // Sessions signed in before this migration get the default 90-day lifetime
    // from their sign-in, and never less than what they were already promised.
    await queryRunner.query(`
      UPDATE "sessions"
      SET "absolute_expires_at" = greatest("expires_at", "created_at" + interval '90 days')`);
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "absolute_expires_at" SET NOT NULL`);
    // The invariant the renewal keeps; enforced so no later code path can break it.
    await queryRunner.query(`
      ALTER TABLE "sessions"
      ADD CONSTRAINT "CHK_sessions_expires_within_absolute" CHECK ("expires_at" <= "absolute_expires_at")`);
    // Serves the cleanup job's "expires_at <= now()" scan; the (user_id, expires_at)
    // index cannot, as it leads with user_id.
    await queryRunner.query(`CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_sessions_expires_at"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "CHK_sessions_expires_within_absolute"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "absolute_expires_at"`);
  }
}
