/**
 * The single definition of an active session. The lookup, the count, the
 * list, the deletes, the touch, the step-up statements and (negated) the
 * cleanup all use it, so they can never disagree about which sessions exist.
 * The database's clock decides, so instances with skewed clocks agree.
 * `expires_at` alone is enough because every write keeps it at or below
 * `absolute_expires_at` (a CHECK enforces it).
 */
export const active = (alias: string): string => `${alias}.expires_at > now()`;

/** What a device list shows, in the camel case of StoredSession. */
export const STORED_COLUMNS = `s.id, s.user_id AS "userId", s.created_at AS "createdAt",
  s.last_active_at AS "lastActiveAt", s.expires_at AS "expiresAt",
  s.absolute_expires_at AS "absoluteExpiresAt", s.ip_address AS "ipAddress", s.user_agent AS "userAgent",
  s.authenticated_at AS "authenticatedAt", s.reauthenticated_at AS "reauthenticatedAt", s.sign_in_method AS "signInMethod",
  s.identity_provider AS "identityProvider", s.authentication_factors AS "authenticationFactors", s.location`;

/**
 * Whether session `alias` proved its identity within the last `windowParam`
 * seconds (the sudo window); a window of 0 turns the requirement off. Judged
 * by the database's clock, in the statement that acts on it.
 */
export const withinSudoWindow = (alias: string, windowParam: string): string =>
  `(${windowParam}::int = 0 OR ${alias}.authenticated_at > now() - make_interval(secs => ${windowParam}::int))`;

/**
 * Whether session `alias` gave a proof of identity after its sign-in within
 * the last `maxAgeParam` seconds: what adding a way to sign in needs.
 */
export const withinCredentialChangeWindow = (alias: string, maxAgeParam: string): string =>
  `(${alias}.reauthenticated_at > now() - make_interval(secs => ${maxAgeParam}::int))`;
