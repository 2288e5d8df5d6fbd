import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTwoFactor1796600000000 implements MigrationInterface {
  name = 'AddTwoFactor1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One authenticator app per account: pending until confirmed with a code.
    // The secret is AES-256-GCM ciphertext (the key is not in the database);
    // last_used_step refuses a code's replay across instances.
    await queryRunner.query(
      `CREATE TABLE "totp_factors" (
        "user_id" uuid NOT NULL,
        "secret_ciphertext" character varying(256) NOT NULL,
        "confirmed_at" TIMESTAMP WITH TIME ZONE,
        "last_used_step" bigint NOT NULL DEFAULT '0',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_totp_factors" PRIMARY KEY ("user_id"),
        CONSTRAINT "FK_totp_factors_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`,
    );
    // Single-use recovery codes, as SHA-256 of the code (80 random bits each).
    await queryRunner.query(
      `CREATE TABLE "recovery_codes" (
        "user_id" uuid NOT NULL,
        "code_hash" bytea NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_recovery_codes" PRIMARY KEY ("user_id", "code_hash"),
        CONSTRAINT "FK_recovery_codes_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`,
    );
    // A pending sign-in: the first factor was right, the second is awaited. Not a session.
    await queryRunner.query(
      `CREATE TABLE "sign_in_challenges" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "secret_hash" bytea NOT NULL,
        "first_factor" character varying(32) NOT NULL,
        "identity_provider" character varying(64),
        "verified_password_hash" character varying(255),
        "new_password_hash" character varying(255),
        "email_token_hash" bytea,
        "new_account" boolean NOT NULL DEFAULT false,
        "failed_attempts" smallint NOT NULL DEFAULT '0',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_sign_in_challenges" PRIMARY KEY ("id"),
        CONSTRAINT "FK_sign_in_challenges_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_sign_in_challenges_user_id" ON "sign_in_challenges" ("user_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_sign_in_challenges_expires_at" ON "sign_in_challenges" ("expires_at")`,
    );
    // What each session proved when it began; earlier sessions proved their method's one factor.
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD "authentication_factors" character varying(32) array NOT NULL DEFAULT '{}'`,
    );
    await queryRunner.query(
      `UPDATE "sessions" SET "authentication_factors" = CASE "sign_in_method"
         WHEN 'oidc' THEN ARRAY['IDENTITY_PROVIDER']
         WHEN 'password_reset' THEN ARRAY['EMAIL_LINK']
         ELSE ARRAY['PASSWORD'] END::character varying(32)[]`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "authentication_factors"`);
    await queryRunner.query(`DROP TABLE "sign_in_challenges"`);
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
    await queryRunner.query(`DROP TABLE "totp_factors"`);
  }
}
