/** Trimmed and lower-cased: the one form of an email that is stored and looked up. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
