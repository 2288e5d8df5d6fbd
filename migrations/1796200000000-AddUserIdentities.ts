import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddUserIdentities1796200000000 implements MigrationInterface {
  name = 'AddUserIdentities1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // An account made by an identity provider has no password: hasPassword is
    // password_hash IS NOT NULL. Nothing else may null it (a reset marker is its own column).
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "identity_provider" character varying(64)`);
    // (provider, subject) names one person at one provider: unique, so two
    // accounts can never share it, whatever races.
    await queryRunner.query(`
      CREATE TABLE "user_identities" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "provider" character varying(64) NOT NULL,
        "subject" character varying(255) NOT NULL,
        "email" character varying(254),
        "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_user_identities" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_user_identities_provider_subject" UNIQUE ("provider", "subject"),
        CONSTRAINT "FK_user_identities_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    // Serves an account's list of linked identities (and the last-method check).
    await queryRunner.query(`CREATE INDEX "IDX_user_identities_user_id" ON "user_identities" ("user_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "user_identities"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "identity_provider"`);
    // Fails while a password-less account exists: such accounts must be dealt with first.
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" SET NOT NULL`);
  }
}
