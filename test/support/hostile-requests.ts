import { expect } from '@jest/globals';

import { createUser, signIn, type TestUser, whoAmI } from './factories.js';
import { type TestApp, useTestApp } from './test-app.js';

/**
 * The tables of hostile requests (test/e2e/hardening/hostile-*.e2e-spec.ts):
 * each row is sent as is, must be answered with its status and code, and must
 * leave every table exactly as it was.
 */

/** What a hostile request got back: the HTTP status, the first error's code and every message. */
export interface Outcome {
  status: number;
  code: unknown;
  messages: string[];
}

export interface RawRequest {
  method?: 'GET' | 'POST';
  /** Appended to /graphql, e.g. `?query=…`. */
  search?: string;
  contentType?: string;
  headers?: Record<string, string>;
  body?: string;
}

export async function send(app: TestApp, request: RawRequest): Promise<Outcome> {
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

export const json = (payload: unknown, headers: Record<string, string> = {}): RawRequest => ({
  contentType: 'application/json',
  headers,
  body: JSON.stringify(payload),
});

export const operation = (
  query: string,
  variables: Record<string, unknown> = {},
  headers?: Record<string, string>,
) => json({ query, variables }, headers);

export const SIGN_UP = 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }';
export const SIGN_IN = 'mutation SignIn($input: SignInInput!) { signIn(input: $input) { token } }';
export const SIGN_OUT_OTHERS = 'mutation { signOutOtherSessions { signedOutCount } }';

export const MB = 1024 * 1024;

/** Nested fragments, each spreading the one below ten times: 10^levels fields once expanded. */
export function fragmentBomb(levels: number): string {
  const fragments = ['fragment F0 on User { id email createdAt activeSessionCount }'];
  for (let level = 1; level <= levels; level++) {
    fragments.push(`fragment F${level} on User { ${`...F${level - 1} `.repeat(10)}}`);
  }
  return `{ me { ...F${levels} } } ${fragments.join(' ')}`;
}

/** [what is sent, how, expected HTTP status, expected errors[0].extensions.code] */
export type HostileCase = [string, () => RawRequest, number, string];

/** The victim of the attacks: a user with two live sessions. */
export interface Victim {
  readonly user: TestUser;
  readonly phoneToken: string;
}

/**
 * A digest of every row of the tables a request could change: equal digests
 * mean equal contents, not only equal row counts.
 */
export async function tableDigests(app: TestApp): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const table of ['users', 'sessions', 'rate_limit_counters']) {
    const [row] = await app.sql<{ digest: string }>(
      `SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM ${table} t`,
    );
    digests[table] = row.digest;
  }
  return digests;
}

async function attemptsCounted(app: TestApp): Promise<number> {
  const [row] = await app.sql<{ hits: string | null }>('SELECT sum(hits) AS hits FROM rate_limit_counters');
  return Number(row.hits ?? 0);
}

/**
 * One describe block of hostile requests against a fresh app. `table` builds
 * the rows once the victim exists; returns the app, the victim and the rows,
 * for a file's own further tests.
 */
export function describeHostileRequests(
  title: string,
  table: (victim: Victim) => HostileCase[],
  more: (context: { app: TestApp; victim: () => Victim; cases: () => HostileCase[] }) => void = () =>
    undefined,
): void {
  describe(title, () => {
    // Attack traffic from one address must meet the defences, not the rate limiter.
    const app = useTestApp({ RATE_LIMIT_PER_IP: '10000', RATE_LIMIT_PER_IP_AND_ACCOUNT: '10000' });
    let victim: Victim;
    let rows: HostileCase[] = [];

    beforeAll(async () => {
      const user = await createUser(app);
      victim = { user, phoneToken: (await signIn(app, user)).token };
      rows = table(victim);
    });

    // Names only: the rows need the victim, who exists once beforeAll has run.
    const names = table({
      user: { id: '', email: '', password: '', token: '.' },
      phoneToken: '.',
    }).map(([name, , status, code]) => ({ name, status, code }));

    it.each(names)('answers $name with HTTP $status and $code, and changes nothing', async ({ name }) => {
      const [, request, status, code] = rows.find(([rowName]) => rowName === name)!;
      const sent = request();
      const before = await tableDigests(app);
      const attemptsBefore = await attemptsCounted(app);

      const outcome = await send(app, sent);

      expect({ status: outcome.status, code: outcome.code ?? 'none' }).toEqual({ status, code });
      const after = await tableDigests(app);
      // A sign-in or sign-up that reaches its resolver is counted by the rate limiter, as
      // any attempt is; that is the one change allowed, and it must be only that.
      const reachedRateLimiter = status === 200 && /\bsign(In|Up)\(/.test(sent.body ?? '');
      if (reachedRateLimiter) {
        expect(await attemptsCounted(app)).toBeGreaterThan(attemptsBefore);
        expect({ users: after.users, sessions: after.sessions }).toEqual({
          users: before.users,
          sessions: before.sessions,
        });
      } else {
        expect(after).toEqual(before);
      }
    });

    more({ app, victim: () => victim, cases: () => rows });

    it('still answers normally afterwards, and every session that was live still is', async () => {
      const { user, phoneToken } = victim;
      expect(await whoAmI(app, user.token)).toEqual({ id: user.id, activeSessionCount: 2 });
      expect(await whoAmI(app, phoneToken)).toEqual({ id: user.id, activeSessionCount: 2 });
      const bob = await createUser(app);
      expect(await whoAmI(app, bob.token)).toEqual({ id: bob.id, activeSessionCount: 1 });
    });
  });
}
