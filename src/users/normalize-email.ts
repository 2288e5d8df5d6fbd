import { domainToASCII } from 'node:url';

/**
 * The one form of an email that is stored, looked up and rate-limited, so that
 * one address cannot become two accounts by spelling:
 * - the local part in Unicode NFKC: `zoë` typed as one code point or as `o` plus
 *   a combining diaeresis is one address, and fullwidth `ａｌｉｃｅ` is `alice`;
 * - the domain in IDNA's ASCII form: `bücher.example` is `xn--bcher-kva.example`;
 * - trimmed and lower-cased.
 * A migration (NormalizeStoredEmails) brought the rows stored before this rule into it.
 */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed.normalize('NFKC').toLowerCase();
  const local = trimmed.slice(0, at).normalize('NFKC').toLowerCase();
  const domain = trimmed
    .slice(at + 1)
    .normalize('NFKC')
    .toLowerCase();
  // '' for a domain IDNA refuses: kept as typed, for validation to refuse.
  return `${local}@${domainToASCII(domain) || domain}`;
}
