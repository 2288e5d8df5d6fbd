import {
  describeHostileRequests,
  type HostileCase,
  operation,
  SIGN_OUT_OTHERS,
} from '../../support/hostile-requests.js';

const [sessionId, secret] = ['00000000-0000-4000-8000-000000000000', 'A'.repeat(43)];
const tamper = (token: string): string => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

describeHostileRequests('hostile requests: forged, tampered and malformed session tokens', (victim) => [
  // Tokens, as a bearer header
  ...(
    [
      ['an empty bearer', () => 'Bearer '],
      ['a bearer of spaces', () => 'Bearer      '],
      ['a scheme other than Bearer', () => `Basic ${victim.user.token}`],
      ['a token without its secret', () => `Bearer ${victim.user.token.split('.')[0]}`],
      ['a secret without its session id', () => `Bearer .${victim.user.token.split('.')[1]}`],
      ['a random session id and secret of the right shape', () => `Bearer ${sessionId}.${secret}`],
      ['a real session id with a forged secret', () => `Bearer ${victim.user.token.split('.')[0]}.${secret}`],
      ['a real token with its last character changed', () => `Bearer ${tamper(victim.user.token)}`],
      ['a real token with a character added', () => `Bearer ${victim.user.token}A`],
      ['two tokens', () => `Bearer ${victim.user.token} ${victim.phoneToken}`],
      ['an SQL fragment', () => "Bearer ' OR 1=1 --"],
      ['a uuid cast attack', () => `Bearer ${sessionId}'::uuid OR true --.${secret}`],
      ['a JWT', () => 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.'],
    ] as Array<[string, () => string]>
  ).map(([name, header]): HostileCase => [
    `${name} (Authorization header)`,
    () => operation(SIGN_OUT_OTHERS, {}, { authorization: header() }),
    200,
    'UNAUTHENTICATED',
  ]),
  [
    'a 20 kB bearer token',
    () => operation(SIGN_OUT_OTHERS, {}, { authorization: `Bearer ${'a'.repeat(20 * 1024)}` }),
    431,
    'none',
  ],

  // Tokens, as a cookie
  ...(
    [
      ['an empty session cookie', () => 'session='],
      ['a garbage session cookie', () => 'session=garbage'],
      ['a forged secret in the cookie', () => `session=${victim.user.token.split('.')[0]}.${secret}`],
      ['a tampered token in the cookie', () => `session=${tamper(victim.user.token)}`],
      ['an encoded SQL fragment in the cookie', () => `session=${encodeURIComponent("' OR 1=1 --")}`],
      ['the __Host- cookie with a forged token', () => `__Host-session=${sessionId}.${secret}`],
      ['a token under another cookie name', () => `sid=${victim.user.token}`],
    ] as Array<[string, () => string]>
  ).map(([name, cookie]): HostileCase => [
    name,
    () => operation(SIGN_OUT_OTHERS, {}, { cookie: cookie() }),
    200,
    'UNAUTHENTICATED',
  ]),
]);
