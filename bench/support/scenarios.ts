import type { SeededSession } from './database.js';

/** The requests the benchmark sends, exactly as a client would. */
export const QUERIES = {
  floor: '{ __typename }',
  meId: '{ me { id } }',
  meCount: '{ me { id activeSessionCount } }',
  meSessions: '{ me { sessions { id ipAddress } } }',
  meSessionsLocation: '{ me { sessions { id ipAddress location { city country countryCode } } } }',
  signIn: 'mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }',
  signOutOthers: 'mutation { signOutOtherSessions { signedOutCount } }',
} as const;

const UUID = '"[0-9a-f-]{36}"';
const IP = '(?:null|"[^"]*")';
/** Every seeded reader's 10 active sessions, each as `session` (a pattern) answers it. */
const tenSessions = (session: string): RegExp =>
  new RegExp(`^\\{"data":\\{"me":\\{"sessions":\\[(?:${session},){9}${session}\\]\\}\\}\\}\\s*$`);

/**
 * Every response under load is checked against these: a run where the server
 * answered `me: null` or an error (a rate limit, an expired seed) would
 * otherwise look fast and mean nothing.
 */
export const EXPECTED_BODY = {
  floor: /^\{"data":\{"__typename":"Query"\}\}\s*$/,
  meId: new RegExp(`^\\{"data":\\{"me":\\{"id":${UUID}\\}\\}\\}\\s*$`),
  // Every seeded reader has exactly 10 active sessions.
  meCount: new RegExp(`^\\{"data":\\{"me":\\{"id":${UUID},"activeSessionCount":10\\}\\}\\}\\s*$`),
  signIn: /^\{"data":\{"signIn":\{"token":"[^"]+"\}\}\}\s*$/,
  meSessions: tenSessions(`\\{"id":${UUID},"ipAddress":${IP}\\}`),
  // A stored column read with the row: no lookup (seeded rows carry a location, as signed-in ones do).
  meSessionsLocation: tenSessions(`\\{"id":${UUID},"ipAddress":${IP},"location":(?:null|\\{[^{}]*\\})\\}`),
};

/** The password of every seeded user. */
export const PASSWORD = 'bench password, long enough';

// NODE_ENV=production names the cookie with the __Host- prefix.
const PRODUCTION_COOKIE = '__Host-session';

export const bearer = (session: SeededSession): Record<string, string> => ({
  authorization: `Bearer ${session.token}`,
});

export const cookie = (session: SeededSession): Record<string, string> => ({
  cookie: `${PRODUCTION_COOKIE}=${session.token}`,
});
