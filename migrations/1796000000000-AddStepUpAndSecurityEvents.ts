import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddStepUpAndSecurityEvents1796000000000 implements MigrationInterface {
  name = 'AddStepUpAndSecurityEvents1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD "authenticated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`,
    );
    // Sessions signed in before this migration proved the password when they
    // were created, not now: their sudo window is judged from then.
    await queryRunner.query(`UPDATE "sessions" SET "authenticated_at" = "created_at"`);
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD "sign_in_method" character varying(16) NOT NULL DEFAULT 'password'`,
    );
    // No foreign key on the two session ids: an event outlives the sessions it names.
    await queryRunner.query(`
      CREATE TABLE "security_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "type" character varying(32) NOT NULL,
        "user_id" uuid NOT NULL,
        "session_id" uuid,
        "actor_session_id" uuid,
        "ip_address" character varying(45),
        "user_agent" character varying(512),
        "ended_session_count" integer,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_security_events" PRIMARY KEY ("id"),
        CONSTRAINT "FK_security_events_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    // Serves a user's log, newest first, page after page (keyset on occurred_at, id).
    await queryRunner.query(
      `CREATE INDEX "IDX_security_events_user_id_occurred_at_id" ON "security_events" ("user_id", "occurred_at" DESC, "id" DESC)`,
    );
    // Serves the retention job's scan for events past SECURITY_EVENTS_RETENTION_DAYS.
    await queryRunner.query(
      `CREATE INDEX "IDX_security_events_occurred_at" ON "security_events" ("occurred_at")`,
    );
    // Append-only: a record of what happened is never rewritten. Deletes stay
    // possible (retention, and the account's own deletion by cascade).
    await queryRunner.query(`
      CREATE FUNCTION "security_events_refuse_update"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'security_events is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "TRG_security_events_append_only" BEFORE UPDATE ON "security_events"
      FOR EACH STATEMENT EXECUTE FUNCTION "security_events_refuse_update"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "security_events"`);
    await queryRunner.query(`DROP FUNCTION "security_events_refuse_update"()`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "sign_in_method"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "authenticated_at"`);
  }
}
