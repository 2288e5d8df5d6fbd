/**
 * The SQL facts of an account's second factors, written once for every
 * statement that asks (the sign-in door's hold, step-up's methods, the
 * `User.twoFactorEnabled` field). `userId` is the SQL expression of the
 * account's id, e.g. `u.id`.
 */
export function totpConfirmedSql(userId: string): string {
  return `EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = ${userId} AND t.confirmed_at IS NOT NULL)`;
}

export function hasPasskeySql(userId: string): string {
  return `EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = ${userId})`;
}

/** Two-factor is on: an authenticator app is confirmed, or the account has a passkey. */
export function twoFactorOnSql(userId: string): string {
  return `(${totpConfirmedSql(userId)} OR ${hasPasskeySql(userId)})`;
}
