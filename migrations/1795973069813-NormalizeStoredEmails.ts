import { domainToASCII } from 'node:url';

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Brings emails stored before the normalisation rule (NFKC local part, IDNA
 * ASCII domain, lower case) into it. Only rows with a character outside ASCII
 * can change (ASCII was already lower-cased), so the scan is cheap.
 *
 * Two accounts that become one address are a conflict: neither is changed or
 * lost. Both keep their stored email (each still signs in with it as stored),
 * and the conflict is reported with the user ids on stderr for an operator to
 * resolve. The rule is copied here, not imported: a migration must keep doing
 * what it did when it shipped.
 */
export class NormalizeStoredEmails1795973069813 implements MigrationInterface {
  name = 'NormalizeStoredEmails1795973069813';

  async up(queryRunner: QueryRunner): Promise<void> {
    const candidates = (await queryRunner.query(
      `SELECT id, email FROM users WHERE email ~ '[^\\x01-\\x7f]' ORDER BY created_at, id`,
    )) as Array<{ id: string; email: string }>;
    const conflicts: string[] = [];
    for (const { id, email } of candidates) {
      const normalized = normalize(email);
      if (normalized === email) continue;
      const [taken] = (await queryRunner.query('SELECT id FROM users WHERE email = $1', [
        normalized,
      ])) as Array<{
        id: string;
      }>;
      if (taken) {
        conflicts.push(`${id} and ${taken.id}`);
        continue;
      }
      await queryRunner.query('UPDATE users SET email = $2 WHERE id = $1', [id, normalized]);
    }
    if (conflicts.length > 0) {
      // stderr, once, at the migration: no logger exists yet when migrations run.
      console.warn(
        `EmailNormalizationConflict: ${conflicts.length} pair(s) of accounts have emails that are one ` +
          `address once normalised; both were kept unchanged, resolve them by hand (user ids): ${conflicts.join('; ')}`,
      );
    }
  }

  async down(): Promise<void> {
    // The old forms are gone, and equivalent: nothing to undo.
  }
}

function normalize(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return email.normalize('NFKC').toLowerCase();
  const local = email.slice(0, at).normalize('NFKC').toLowerCase();
  const domain = email
    .slice(at + 1)
    .normalize('NFKC')
    .toLowerCase();
  return `${local}@${domainToASCII(domain) || domain}`;
}
