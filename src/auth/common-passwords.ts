import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The ~49,000 passwords that leaked most often, as zxcvbn-ts ranks them
 * (offline: the list ships in the package). A password on it falls to the
 * first minutes of any guessing attack, whatever its length.
 */
let commonPasswords: ReadonlySet<string> | undefined;

/** Whether `password` is on the list; case and surrounding whitespace do not make it less common. */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return commonPasswords.has(password.trim().toLowerCase());
}
