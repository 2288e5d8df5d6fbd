import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSessionReauthenticatedAt1796400000000 implements MigrationInterface {
  name = 'AddSessionReauthenticatedAt1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // When the session last gave a proof of identity after its sign-in
    // (reauthenticate with a password or at a linked provider, changePassword).
    // Adding a way to sign in needs such a proof: a stolen cookie carries the
    // sign-in's freshness (authenticated_at), never this.
    await queryRunner.query(`ALTER TABLE "sessions" ADD "reauthenticated_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "reauthenticated_at"`);
  }
}
