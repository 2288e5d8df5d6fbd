import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';

import { NormalizeStoredEmails1795973069813 } from '../../migrations/1795973069813-NormalizeStoredEmails.js';
import { useTestModule } from '../support/test-module.js';

const NFC = 'zo\u00eb@example.com';
const NFD = 'zoe\u0308@example.com';

describe('the NormalizeStoredEmails migration', () => {
  const module = useTestModule();

  async function insertUser(email: string): Promise<string> {
    const [{ id }] = await module.sql<{ id: string }>(
      `INSERT INTO users (email, password_hash) VALUES ($1, 'not a real hash') RETURNING id`,
      [email],
    );
    return id;
  }

  async function emailOf(id: string): Promise<string> {
    const [{ email }] = await module.sql<{ email: string }>('SELECT email FROM users WHERE id = $1', [id]);
    return email;
  }

  it('brings stored emails into the normalised form, keeps both sides of a conflict and reports it', async () => {
    const fullwidth = await insertUser('\uff41\uff4c\uff49\uff43\uff45-migrated@example.com');
    const idn = await insertUser('x-migrated@b\u00fccher.example');
    const first = await insertUser(NFC.replace('zo', 'zo-migrated-'));
    const second = await insertUser(NFD.replace('zo', 'zo-migrated-'));
    const ascii = await insertUser('plain-migrated@example.com');
    const warnings = jest.spyOn(console, 'warn').mockImplementation(() => undefined);

    const queryRunner = module.get(DataSource).createQueryRunner();
    try {
      await new NormalizeStoredEmails1795973069813().up(queryRunner);
    } finally {
      await queryRunner.release();
    }
    const warned = warnings.mock.calls.map(([message]) => String(message));
    warnings.mockRestore();

    expect(await emailOf(fullwidth)).toBe('alice-migrated@example.com');
    expect(await emailOf(idn)).toBe('x-migrated@xn--bcher-kva.example');
    expect(await emailOf(ascii)).toBe('plain-migrated@example.com');
    // Already NFC: unchanged. The NFD twin would collide with it: kept as it was, and reported.
    expect(await emailOf(first)).toBe(NFC.replace('zo', 'zo-migrated-'));
    expect(await emailOf(second)).toBe(NFD.replace('zo', 'zo-migrated-'));
    expect(warned).toEqual([expect.stringContaining(`${second} and ${first}`)]);
  });
});
