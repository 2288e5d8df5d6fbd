import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import { parseEncryptionKey } from '../config/two-factor-settings.js';

const KEY_FILE = 'two-factor.key';

/**
 * The key that seals authenticator secrets. Production names it
 * (TWO_FACTOR_ENCRYPTION_KEY, checked at start); elsewhere a key is generated
 * once under DATA_DIR and kept there (mode 0600), so a development server
 * restarted, or a second one on the same DATA_DIR, still reads its secrets.
 */
export async function encryptionKeyOf(configured: Buffer | null, dataDir: string): Promise<Buffer> {
  if (configured) return configured;
  const path = resolve(dataDir, KEY_FILE);
  await mkdir(dirname(path), { recursive: true });
  try {
    // `wx`: of two processes starting at once, one writes and both read its key.
    await writeFile(path, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = parseEncryptionKey((await readFile(path, 'utf8')).trim());
  if (!key)
    throw new Error(`${path} does not hold a two-factor key (64 hex digits): remove it to make a new one`);
  return key;
}
