import { stat } from 'node:fs/promises';

import { open, type Reader, type Response } from 'maxmind';

/** The configured database could not be read: the service does not start without it. */
export class GeoIpDatabaseError extends Error {
  constructor(path: string, cause: unknown) {
    super(
      `GEOIP_DATABASE: cannot read ${path} (${reasonOf(cause)}). ` +
        'Point GEOIP_DATABASE at a MaxMind DB (.mmdb) file, or set GEOIP_DATABASE=off to show no locations ' +
        '(docs/geolocation.md).',
      { cause },
    );
    this.name = 'GeoIpDatabaseError';
  }
}

export interface GeoIpDatabase {
  readonly reader: Reader<Response>;
  /** Which version of the file was read (inode, size, modification time): a different one is a new file. */
  readonly version: string;
}

/** The whole file, read into memory and checked (metadata, format) before it is used. */
export async function openGeoIpDatabase(path: string): Promise<GeoIpDatabase> {
  try {
    // Taken before the read: a file replaced during the read differs from it, and is read again.
    const version = await fileVersion(path);
    // Next to no cache: a lookup is made once per address change, rarely twice for one address.
    const reader = await open<Response>(path, { cache: { max: 1 } });
    return { reader, version };
  } catch (error) {
    throw new GeoIpDatabaseError(path, error);
  }
}

/** The file's identity and last change. */
export async function fileVersion(path: string): Promise<string> {
  const { ino, size, mtimeMs } = await stat(path);
  return `${ino}:${size}:${mtimeMs}`;
}

const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

function reasonOf(cause: unknown): string {
  // Duck-typed: an fs error need not be an instance of this realm's Error.
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && code in FILE_PROBLEMS) return FILE_PROBLEMS[code];
  return typeof message === 'string' ? message : String(cause);
}
