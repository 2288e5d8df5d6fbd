import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddEmail1796100000000 implements MigrationInterface {
  name = 'AddEmail1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "email_verified_at" TIMESTAMP WITH TIME ZONE`);
    // A marker of its own: the hash stays (never nulled), so a right password
    // can be told from a wrong one and answered PASSWORD_RESET_REQUIRED.
    await queryRunner.query(
      `ALTER TABLE "users" ADD "password_reset_required" boolean NOT NULL DEFAULT false`,
    );
    // Single-use secrets of emailed links: only SHA-256(secret) is stored.
    await queryRunner.query(`
      CREATE TABLE "email_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "purpose" character varying(16) NOT NULL,
        "secret_hash" bytea NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_email_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_email_tokens_secret_hash" UNIQUE ("secret_hash"),
        CONSTRAINT "FK_email_tokens_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_email_tokens_user_id_purpose" ON "email_tokens" ("user_id", "purpose")`,
    );
    // The devices an account has signed up or in from (src/auth/device.ts says what a device is).
    await queryRunner.query(`
      CREATE TABLE "known_devices" (
        "user_id" uuid NOT NULL,
        "device_key" character varying(200) NOT NULL,
        "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_known_devices" PRIMARY KEY ("user_id", "device_key"),
        CONSTRAINT "FK_known_devices_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    // The outbox: written in the transaction of what causes the mail, sent by the delivery job.
    await queryRunner.query(`
      CREATE TABLE "mail_outbox" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "recipient" character varying(320) NOT NULL,
        "subject" character varying(200) NOT NULL,
        "text_body" text NOT NULL,
        "html_body" text NOT NULL,
        "message_id" character varying(200) NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_error" character varying(500),
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_mail_outbox" PRIMARY KEY ("id")
      )`);
    // Serves the delivery job's scan: only unsent rows, oldest due first.
    await queryRunner.query(
      `CREATE INDEX "IDX_mail_outbox_due" ON "mail_outbox" ("next_attempt_at") WHERE "sent_at" IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "mail_outbox"`);
    await queryRunner.query(`DROP TABLE "known_devices"`);
    await queryRunner.query(`DROP TABLE "email_tokens"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "password_reset_required"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "email_verified_at"`);
  }
}
