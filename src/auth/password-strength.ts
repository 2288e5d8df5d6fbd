import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';

import { InputValidationError } from '../common/errors.js';
import { isCommonPassword } from './common-passwords.js';

/**
 * At least 10^8 guesses by zxcvbn's estimate. Below it fall, besides the leaked
 * lists, their simple variants (`Passw0rd!`, `Summer2024`, `Winter2023!`),
 * repeated and sequential characters (`aaaaaaaa`, `abcdefgh`), keyboard walks,
 * dates, and words anyone can know of this account: NIST SP 800-63B §5.1.1.2's
 * list. zxcvbn counts an 8-character string with no pattern as exactly 10^8,
 * so the 8-character minimum still admits a random one (its score 3 would not:
 * it starts just above 10^8).
 */
const MIN_GUESSES = 1e8;
/**
 * The estimator's work grows fast with length and with characters that have
 * l33t readings (`p4$$w0rd` sixteen times took 2.8 s of event-loop time with
 * the defaults); signUp needs no session. These bounds keep the worst input
 * near 50 ms: the first 64 characters are judged (a password weak in its first
 * 64 and strong after them is rare enough to refuse), with at most 8 l33t
 * substitutions tried at once (`P@$$w0rd1` needs 4).
 */
const MAX_CHECKED_LENGTH = 64;
const MAX_L33T_SUBSTITUTIONS = 8;

/** This service's own name and words: the first an attacker of this site adds to a list. */
const SERVICE_WORDS = ['account security', 'accountsecurity', 'sessions', 'session', 'signin', 'login'];

const COMMON =
  'Password is one of the most common passwords, which attackers try first. Choose another, e.g. a few unrelated words.';
const CONTEXT =
  "Password contains your email address or this service's name, which attackers try first. Choose another, e.g. a few unrelated words.";
const ADVICE = 'Choose a longer one, e.g. a few unrelated words.';

// Built on first use: ranking the dictionaries takes a moment that only password checks should pay.
let estimator: ZxcvbnFactory | undefined;

function estimatorOf(): ZxcvbnFactory {
  // No Levenshtein matching: it made one check take a second of CPU on the event loop, where the
  // l33t, reversed and capitalised variants it adds little to are matched anyway.
  estimator ??= new ZxcvbnFactory({
    translations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonDictionary, ...englishDictionary },
    maxLength: MAX_CHECKED_LENGTH,
    l33tMaxSubstitutions: MAX_L33T_SUBSTITUTIONS,
  });
  return estimator;
}

/**
 * Why `password` is too easy to guess, in words a person can act on, or
 * `undefined` when it is acceptable. `email`: the account's address, whose
 * parts count as known words.
 */
export function passwordWeakness(password: string, email?: string): string | undefined {
  if (isCommonPassword(password)) return COMMON;
  const result = estimatorOf().check(password, contextWordsOf(email));
  if (result.guesses >= MIN_GUESSES) return undefined;
  return reasonOf(result);
}

/**
 * For a new password whose account is known only to the service (changePassword, resetPassword):
 * BAD_USER_INPUT on `field` when the password is built from the account's address.
 */
export function assertStrongPassword(password: string, email: string, field: string): void {
  const weakness = passwordWeakness(password, email);
  if (weakness) throw new InputValidationError({ [field]: [weakness] });
}

function reasonOf(result: ZxcvbnResult): string {
  const fromContext = result.sequence.some(
    (match) => match.pattern === 'dictionary' && match.dictionaryName === 'userInputs',
  );
  if (fromContext) return CONTEXT;
  const warning = result.feedback.warning;
  return warning
    ? `Password is too easy to guess: ${warning} ${ADVICE}`
    : `Password is too easy to guess: it is made of common words and patterns (a word and a year, a name, a date). ${ADVICE}`;
}

/** The address's local part, its pieces (`alice.smith` → `alice`, `smith`) and the domain's name. */
function contextWordsOf(email: string | undefined): string[] {
  const words = [...SERVICE_WORDS];
  if (!email) return words;
  const at = email.lastIndexOf('@');
  const local = at < 0 ? email : email.slice(0, at);
  const domainName = at < 0 ? '' : (email.slice(at + 1).split('.')[0] ?? '');
  words.push(local, domainName, ...local.split(/[._+-]/));
  return words.filter((word) => word.length >= 3);
}
