import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { createUser, signIn, type TestUser, whoAmI } from '../../support/factories.js';
import { TestApp, useTestApp } from '../../support/test-app.js';

/** What a hostile request got back: the HTTP status, the first error's code and every message. */
interface Outcome {
  status: number;
  code: unknown;
  messages: string[];
}

interface RawRequest {
  method?: 'GET' | 'POST';
  /** Appended to /graphql, e.g. `?query=…`. */
  search?: string;
  contentType?: string;
  headers?: Record<string, string>;
  body?: string;
}

async function send(app: TestApp, request: RawRequest): Promise<Outcome> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.contentType) headers['content-type'] = request.contentType;
  const response = await fetch(`${app.url}/graphql${request.search ?? ''}`, {
    method: request.method ?? 'POST',
    headers,
    body: request.body,
  });
  const text = await response.text();
  let errors: Array<{ message: string; extensions?: { code?: unknown } }> | undefined;
  try {
    errors = (JSON.parse(text) as { errors?: typeof errors }).errors;
  } catch {
    errors = undefined; // e.g. Node's own 431, which has no body
  }
  return {
    status: response.status,
    code: errors?.[0]?.extensions?.code,
    messages: (errors ?? []).map((error) => error.message),
  };
}

const json = (payload: unknown, headers: Record<string, string> = {}): RawRequest => ({
  contentType: 'application/json',
  headers,
  body: JSON.stringify(payload),
});

const operation = (
  query: string,
  variables: Record<string, unknown> = {},
  headers?: Record<string, string>,
) => json({ query, variables }, headers);

const SIGN_UP = 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }';
const SIGN_IN = 'mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }';
const SIGN_OUT_OTHERS = 'mutation { signOutOtherSessions { signedOutCount } }';

const MB = 1024 * 1024;

/** Nested fragments, each spreading the one below ten times: 10^levels fields once expanded. */
function fragmentBomb(levels: number): string {
  const fragments = ['fragment F0 on User { id email createdAt activeSessionCount }'];
  for (let level = 1; level <= levels; level++) {
    fragments.push(`fragment F${level} on User { ${`...F${level - 1} `.repeat(10)}}`);
  }
  return `{ me { ...F${levels} } } ${fragments.join(' ')}`;
}

describe('hostile requests', () => {
  // Attack traffic from one address must meet the defences below, not the rate limiter.
  const app = useTestApp({ RATE_LIMIT_PER_IP: '10000', RATE_LIMIT_PER_IP_AND_ACCOUNT: '10000' });
  let alice: TestUser;
  let alicesPhone: string;

  beforeAll(async () => {
    alice = await createUser(app);
    alicesPhone = (await signIn(app, alice)).token;
  });

  async function snapshot(): Promise<Record<string, number>> {
    const [row] = await app.sql<{ users: string; sessions: string }>(
      'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM sessions) AS sessions',
    );
    return { users: Number(row.users), sessions: Number(row.sessions) };
  }

  const [sessionId, secret] = ['00000000-0000-4000-8000-000000000000', 'A'.repeat(43)];
  const tamper = (token: string): string => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

  /** [what is sent, how, expected HTTP status, expected errors[0].extensions.code] */
  const table: Array<[string, () => RawRequest, number, string]> = [
    // The envelope
    [
      'malformed JSON',
      () => ({ contentType: 'application/json', body: '{"query": "{ me { id } }' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a JSON string instead of an object',
      () => ({ contentType: 'application/json', body: '"{ me { id } }"' }),
      400,
      'BAD_REQUEST',
    ],
    ['an empty JSON body', () => ({ contentType: 'application/json', body: '' }), 400, 'BAD_REQUEST'],
    ['a JSON object with no query', () => json({ variables: {} }), 400, 'BAD_REQUEST'],
    ['a query that is not a string', () => json({ query: { me: true } }), 400, 'BAD_REQUEST'],
    [
      'text/plain (a cross-site form)',
      () => ({ contentType: 'text/plain', body: JSON.stringify({ query: SIGN_OUT_OTHERS }) }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a url-encoded form',
      () => ({
        contentType: 'application/x-www-form-urlencoded',
        body: `query=${encodeURIComponent(SIGN_OUT_OTHERS)}`,
      }),
      400,
      'BAD_REQUEST',
    ],
    [
      'multipart/form-data',
      () => ({ contentType: 'multipart/form-data; boundary=x', body: '--x--' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'application/xml',
      () => ({ contentType: 'application/xml', body: '<query>{ me { id } }</query>' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'an unknown charset',
      () => ({ contentType: 'application/json; charset=ebcdic', body: '{}' }),
      415,
      'BAD_REQUEST',
    ],
    [
      'a batch (JSON array) of operations',
      () => ({
        contentType: 'application/json',
        body: JSON.stringify([{ query: '{ me { id } }' }, { query: SIGN_OUT_OTHERS }]),
      }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a mutation over GET',
      () => ({
        method: 'GET',
        search: `?query=${encodeURIComponent(SIGN_OUT_OTHERS)}`,
        headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${alice.token}` },
      }),
      405,
      'BAD_REQUEST',
    ],
    [
      'a mutation over GET without a preflight header (CSRF)',
      () => ({ method: 'GET', search: `?query=${encodeURIComponent(SIGN_OUT_OTHERS)}` }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a body over 100 kB',
      () => operation('{ me { id } }', { padding: 'x'.repeat(200 * 1024) }),
      413,
      'BAD_REQUEST',
    ],

    // The document
    ['a syntax error', () => operation('{ me { id '), 400, 'GRAPHQL_PARSE_FAILED'],
    [
      '10k aliases of activeSessionCount (250 kB)',
      () =>
        operation(
          `{ me { ${Array.from({ length: 10_000 }, (_, i) => `a${i}: activeSessionCount`).join(' ')} } }`,
        ),
      413,
      'BAD_REQUEST',
    ],
    [
      '10k aliases of one field, under 100 kB',
      () => operation(`{ me { ${'a:activeSessionCount '.repeat(4_000)} } }`),
      400,
      'GRAPHQL_PARSE_FAILED',
    ],
    [
      '16 aliases, one over the limit',
      () =>
        operation(
          `{ me { ${Array.from({ length: 16 }, (_, i) => `a${i}: activeSessionCount`).join(' ')} } }`,
          {},
          { authorization: `Bearer ${alice.token}` },
        ),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      '16 aliased sign-ups in one request',
      () =>
        operation(
          `mutation { ${Array.from({ length: 16 }, (_, i) => `s${i}: signUp(input: { email: "s${i}-${randomUUID()}@example.com", password: "long enough password" }) { token }`).join(' ')} }`,
        ),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      '2000 tokens of one field, without aliases',
      () => operation(`{ me { ${'activeSessionCount '.repeat(2_000)} } }`),
      400,
      'GRAPHQL_PARSE_FAILED',
    ],
    [
      'a query 40 levels deep',
      () => operation(`{ me { ${'a { '.repeat(40)} id ${'} '.repeat(40)} } }`),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'a fragment bomb (10^4 fields from 40 spreads)',
      () => operation(fragmentBomb(4)),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'fragments that spread each other',
      () => operation('{ me { ...A } } fragment A on User { id ...B } fragment B on User { ...A }'),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      '60 directives',
      () => operation(`{ me { id ${'@include(if: true) '.repeat(60)} } }`),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    ['an unknown field', () => operation('{ me { passwordHash } }'), 400, 'GRAPHQL_VALIDATION_FAILED'],

    // The variables
    [
      'variables of the wrong type',
      () => operation(SIGN_UP, { input: { email: 42, password: ['x'] } }),
      400,
      'BAD_USER_INPUT',
    ],
    ['a missing required variable', () => operation(SIGN_UP, {}), 400, 'BAD_USER_INPUT'],
    [
      'an extra input field',
      () =>
        operation(SIGN_UP, {
          input: { email: 'x@example.com', password: 'long enough password', isAdmin: true },
        }),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'variables that are not an object',
      () => json({ query: SIGN_UP, variables: 'input' }),
      400,
      'BAD_REQUEST',
    ],

    // Emails
    [
      'a unicode email at sign-in',
      () => operation(SIGN_IN, { input: { email: 'zoë@exämple.com', password: 'long enough password' } }),
      200,
      'UNAUTHENTICATED',
    ],
    [
      'a right-to-left override in an email',
      () =>
        operation(SIGN_UP, { input: { email: 'user\u202e@example.com', password: 'long enough password' } }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a null byte in an email',
      () =>
        operation(SIGN_UP, { input: { email: 'alice\u0000@example.com', password: 'long enough password' } }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'an SQL fragment as the email',
      () => operation(SIGN_IN, { input: { email: "' OR 1=1; DROP TABLE users; --", password: 'x' } }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'an SQL fragment inside a valid email',
      () =>
        operation(SIGN_IN, { input: { email: "o'neil'--@example.com", password: 'long enough password' } }),
      200,
      'UNAUTHENTICATED',
    ],
    [
      'an email of 300 characters',
      () =>
        operation(SIGN_UP, {
          input: { email: `${'a'.repeat(288)}@example.com`, password: 'long enough password' },
        }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'an email of 1 MB',
      () => operation(SIGN_IN, { input: { email: `${'a'.repeat(MB)}@example.com`, password: 'x' } }),
      413,
      'BAD_REQUEST',
    ],

    // Passwords
    [
      'a password of 10 MB at sign-in',
      () => operation(SIGN_IN, { input: { email: 'x@example.com', password: 'p'.repeat(10 * MB) } }),
      413,
      'BAD_REQUEST',
    ],
    [
      'a password of 10 MB at sign-up',
      () => operation(SIGN_UP, { input: { email: 'x@example.com', password: 'p'.repeat(10 * MB) } }),
      413,
      'BAD_REQUEST',
    ],
    [
      'a password of 129 characters at sign-in',
      () => operation(SIGN_IN, { input: { email: 'x@example.com', password: 'p'.repeat(129) } }),
      200,
      'BAD_USER_INPUT',
    ],

    // Tokens, as a bearer header
    ...(
      [
        ['an empty bearer', () => 'Bearer '],
        ['a bearer of spaces', () => 'Bearer      '],
        ['a scheme other than Bearer', () => `Basic ${alice.token}`],
        ['a token without its secret', () => `Bearer ${alice.token.split('.')[0]}`],
        ['a secret without its session id', () => `Bearer .${alice.token.split('.')[1]}`],
        ['a random session id and secret of the right shape', () => `Bearer ${sessionId}.${secret}`],
        ['a real session id with a forged secret', () => `Bearer ${alice.token.split('.')[0]}.${secret}`],
        ['a real token with its last character changed', () => `Bearer ${tamper(alice.token)}`],
        ['a real token with a character added', () => `Bearer ${alice.token}A`],
        ['two tokens', () => `Bearer ${alice.token} ${alicesPhone}`],
        ['an SQL fragment', () => "Bearer ' OR 1=1 --"],
        ['a uuid cast attack', () => `Bearer ${sessionId}'::uuid OR true --.${secret}`],
        ['a JWT', () => 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.'],
      ] as Array<[string, () => string]>
    ).map(([name, header]): [string, () => RawRequest, number, string] => [
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
        ['a forged secret in the cookie', () => `session=${alice.token.split('.')[0]}.${secret}`],
        ['a tampered token in the cookie', () => `session=${tamper(alice.token)}`],
        ['an encoded SQL fragment in the cookie', () => `session=${encodeURIComponent("' OR 1=1 --")}`],
        ['the __Host- cookie with a forged token', () => `__Host-session=${sessionId}.${secret}`],
        ['a token under another cookie name', () => `sid=${alice.token}`],
      ] as Array<[string, () => string]>
    ).map(([name, cookie]): [string, () => RawRequest, number, string] => [
      name,
      () => operation(SIGN_OUT_OTHERS, {}, { cookie: cookie() }),
      200,
      'UNAUTHENTICATED',
    ]),
  ];

  const cases = table.map(([name, request, status, code]) => ({ name, request, status, code }));

  it.each(cases)(
    'answers $name with HTTP $status and $code, and changes nothing',
    async ({ request, status, code }) => {
      const before = await snapshot();

      const outcome = await send(app, request());

      expect({ status: outcome.status, code: outcome.code ?? 'none' }).toEqual({ status, code });
      expect(await snapshot()).toEqual(before);
    },
  );

  it.each([
    ['16 aliases, one over the limit', /Aliases limit of 15 exceeded, found 16/],
    ['a query 40 levels deep', /Query depth limit of 6 exceeded/],
    ['2000 tokens of one field, without aliases', /more that 1000 tokens/],
    ['a fragment bomb (10^4 fields from 40 spreads)', /Query Cost limit of 5000 exceeded/],
    ['60 directives', /Directives limit of 50 exceeded/],
    ['a body over 100 kB', /larger than the 102400 bytes allowed/],
    ['a batch (JSON array) of operations', /batching disabled/],
  ])('names the limit that %s exceeds', async (name, message) => {
    const outcome = await send(app, cases.find((entry) => entry.name === name)!.request());

    expect(outcome.messages).toContainEqual(expect.stringMatching(message));
  });

  it('counts depth by fields, not fragment spreads: nested fragments as Apollo clients write them are served', async () => {
    // Three levels of fields (me → sessions → id), seven counting each spread as a level.
    const response = await app.gql(
      `query Me { me { ...Account } }
       fragment Account on User { id activeSessionCount ...AccountSessions }
       fragment AccountSessions on User { sessions { ...Device } }
       fragment Device on Session { ...DeviceName ...DeviceActivity }
       fragment DeviceName on Session { id browser os }
       fragment DeviceActivity on Session { ...DeviceTimes }
       fragment DeviceTimes on Session { lastActiveAt current }`,
      {},
      { token: alice.token },
    );

    expect(response.errors).toBeUndefined();
    expect(response.data).toMatchObject({ me: { activeSessionCount: 2, sessions: expect.any(Array) } });
  });

  it('still answers normally afterwards, and every session that was live still is', async () => {
    expect(await whoAmI(app, alice.token)).toEqual({ id: alice.id, activeSessionCount: 2 });
    expect(await whoAmI(app, alicesPhone)).toEqual({ id: alice.id, activeSessionCount: 2 });
    const bob = await createUser(app);
    expect(await whoAmI(app, bob.token)).toEqual({ id: bob.id, activeSessionCount: 1 });
  });
});
