import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPasskeys1796700000000 implements MigrationInterface {
  name = 'AddPasskeys1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per WebAuthn credential. The public key is not a secret; the
    // credential id (base64url, up to 1023 bytes) belongs to one account only.
    await queryRunner.query(
      `CREATE TABLE "passkeys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "credential_id" character varying(1400) NOT NULL,
        "public_key" bytea NOT NULL,
        "counter" bigint NOT NULL DEFAULT '0',
        "transports" character varying(32) array NOT NULL DEFAULT '{}',
        "backup_eligible" boolean NOT NULL DEFAULT false,
        "backed_up" boolean NOT NULL DEFAULT false,
        "aaguid" uuid,
        "name" character varying(64) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_passkeys" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_passkeys_credential_id" UNIQUE ("credential_id"),
        CONSTRAINT "FK_passkeys_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_passkeys_user_id" ON "passkeys" ("user_id")`);
    // The challenges handed out in WebAuthn options: single use (deleted when
    // answered), short-lived, stored as SHA-256 like every other secret. No
    // foreign key: REAUTHENTICATION_REQUIRED hands one out while the request's
    // transaction may hold the account's row.
    await queryRunner.query(
      `CREATE TABLE "passkey_challenges" (
        "challenge_hash" bytea NOT NULL,
        "purpose" character varying(16) NOT NULL,
        "user_id" uuid,
        "bound_to" uuid,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_passkey_challenges" PRIMARY KEY ("challenge_hash")
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_passkey_challenges_expires_at" ON "passkey_challenges" ("expires_at")`,
    );
    // How a sign-in's session began (password, provider, reset, passkey), on its event: the
    // activity list says "with a passkey". Earlier events keep null (their session may be gone).
    await queryRunner.query(`ALTER TABLE "security_events" ADD "sign_in_method" character varying(16)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "security_events" DROP COLUMN "sign_in_method"`);
    await queryRunner.query(`DROP TABLE "passkey_challenges"`);
    await queryRunner.query(`DROP TABLE "passkeys"`);
  }
}
