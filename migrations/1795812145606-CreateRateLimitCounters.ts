import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRateLimitCounters1795812145606 implements MigrationInterface {
  name = 'CreateRateLimitCounters1795812145606';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Shared by every instance, so a limit holds however many instances serve.
    await queryRunner.query(`
      CREATE TABLE "rate_limit_counters" (
        "key" character varying(64) NOT NULL,
        "hits" integer NOT NULL,
        "window_ends_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_rate_limit_counters" PRIMARY KEY ("key")
      )`);
    // Serves the periodic sweep of counters whose window has ended.
    await queryRunner.query(
      `CREATE INDEX "IDX_rate_limit_counters_window_ends_at" ON "rate_limit_counters" ("window_ends_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rate_limit_counters"`);
  }
}
