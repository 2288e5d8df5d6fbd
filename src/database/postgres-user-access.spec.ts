import { canSearch } from './postgres-user-access.js';

describe('canSearch', () => {
  const postgres = { uid: 101, groups: [104, 103] };

  it.each([
    ['a root-owned 0700 directory (mktemp -d)', { mode: 0o40700, uid: 0, gid: 0 }, false],
    ['a root-owned 0755 directory', { mode: 0o40755, uid: 0, gid: 0 }, true],
    ['0710 root:postgres', { mode: 0o40710, uid: 0, gid: 104 }, true],
    ['0710 with a supplementary group of the user', { mode: 0o40710, uid: 0, gid: 103 }, true],
    ['0701 root:root', { mode: 0o40701, uid: 0, gid: 0 }, true],
    ['its own 0700 directory', { mode: 0o40700, uid: 101, gid: 104 }, true],
    // The owner's bits decide for the owner, even when "others" may pass.
    ['its own 0601 directory', { mode: 0o40601, uid: 101, gid: 104 }, false],
    ['0701 of its group: the group bit decides', { mode: 0o40701, uid: 0, gid: 104 }, false],
  ])('%s: %p', (_name, directory, expected) => {
    expect(canSearch(directory, postgres)).toBe(expected);
  });
});
