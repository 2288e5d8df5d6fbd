import { randomUUID } from 'node:crypto';

/**
 * Users who each take one step at a time against several instances, so that
 * what every answer must be is known exactly: either that answer, or
 * SERVICE_UNAVAILABLE (the database could not be asked). An answer that
 * says the session has ended (`me: null`, UNAUTHENTICATED) or that something
 * broke (INTERNAL_SERVER_ERROR) is counted and a sample kept.
 *
 * A mutation answered SERVICE_UNAVAILABLE may still have committed (the
 * connection died after COMMIT), so the user then forgets what it cannot
 * know (its session count, which password is current) until an answer tells it.
 */

interface GraphqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: unknown; extensions?: { code?: unknown } }[];
}

export type Verdict = 'ok' | 'unavailable' | 'meNull' | 'unauthenticated' | 'internal' | 'other';

export interface Tally {
  steps: number;
  counts: Record<Verdict, number>;
  /** The first few answers that were neither right nor SERVICE_UNAVAILABLE. */
  samples: string[];
}

export function newTally(): Tally {
  return {
    steps: 0,
    counts: { ok: 0, unavailable: 0, meNull: 0, unauthenticated: 0, internal: 0, other: 0 },
    samples: [],
  };
}

/** What a step's answer must be when it is not SERVICE_UNAVAILABLE. */
type Expectation = (data: Record<string, unknown>) => boolean;

const PASSWORDS = ['first long password', 'second long password'] as const;
const other = (password: string): string => (password === PASSWORDS[0] ? PASSWORDS[1] : PASSWORDS[0]);

const ME = '{ me { id activeSessionCount } }';
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }';
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { token session { id } } }';
const CHANGE_PASSWORD =
  'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { signedOutCount } }';
const REVOKE = 'mutation($id: ID!) { revokeSession(id: $id) { revokedSessionId } }';
const SIGN_OUT_OTHERS = 'mutation { signOutOtherSessions { signedOutCount } }';

async function post(url: string, query: string, variables: object, token?: string): Promise<GraphqlAnswer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphqlAnswer;
}

export class SequentialUser {
  /** Sessions signed in besides the main one, which is never ended. */
  private extras: string[] = [];
  /** Active sessions, the main one included; `undefined` after an answer that left it unknown. */
  private sessionCount: number | undefined = 1;
  /** The current password, or `undefined` when a change may or may not have committed. */
  private password: string | undefined = PASSWORDS[0];
  private guess: string = PASSWORDS[0];
  private step = 0;
  private rounds = 0;

  private constructor(
    private readonly index: number,
    private readonly email: string,
    private readonly id: string,
    private readonly token: string,
  ) {}

  /** Signs a new user up; setup, not under test, so a busy moment is simply tried again. */
  static async signUp(index: number, url: string): Promise<SequentialUser> {
    for (let attempt = 1; ; attempt++) {
      // A fresh email each time: an attempt answered SERVICE_UNAVAILABLE may still have committed.
      const email = `restart-${randomUUID()}@example.com`;
      const answer = await post(url, SIGN_UP, { input: { email, password: PASSWORDS[0] } });
      const signUp = answer.data?.signUp as { token: string; user: { id: string } } | undefined;
      if (signUp) return new SequentialUser(index, email, signUp.user.id, signUp.token);
      if (attempt >= 5) throw new Error(`sign-up failed: ${JSON.stringify(answer)}`);
    }
  }

  /**
   * One round of steps, each on the next instance; whether every step was
   * answered as expected (none SERVICE_UNAVAILABLE, none wrong).
   */
  async cycle(urls: readonly string[], tally: Tally): Promise<boolean> {
    const verdicts: Verdict[] = [];
    const next = (): string => urls[(this.index + this.step++) % urls.length];
    verdicts.push(await this.me(next(), tally));
    const extra = await this.signInExtra(next(), tally, verdicts);
    verdicts.push(await this.me(next(), tally));
    // Every other round: Argon2 twice is the costliest step, and the cycle's
    // pace decides how many steps meet the outage.
    if (this.rounds++ % 2 === 0) verdicts.push(await this.changePassword(next(), tally));
    if (extra) verdicts.push(await this.revoke(next(), extra, tally));
    verdicts.push(await this.signOutOthers(next(), tally));
    return verdicts.every((verdict) => verdict === 'ok');
  }

  private me(url: string, tally: Tally): Promise<Verdict> {
    const count = this.sessionCount;
    return this.ask(tally, 'me', url, ME, {}, this.token, ({ me }) => {
      const found = me as { id: string; activeSessionCount: number } | null;
      return (
        found?.id === this.id &&
        (count === undefined ? found.activeSessionCount >= 1 : found.activeSessionCount === count)
      );
    });
  }

  private async signInExtra(url: string, tally: Tally, verdicts: Verdict[]): Promise<string | undefined> {
    // With the password unknown a refusal would be right, and would say UNAUTHENTICATED.
    if (this.password === undefined) return undefined;
    let sessionId: string | undefined;
    const verdict = await this.ask(
      tally,
      'signIn',
      url,
      SIGN_IN,
      { input: { email: this.email, password: this.password } },
      undefined,
      ({ signIn }) => {
        sessionId = (signIn as { session?: { id?: string } } | null)?.session?.id;
        return typeof sessionId === 'string';
      },
    );
    verdicts.push(verdict);
    if (verdict === 'ok' && sessionId) {
      this.extras.push(sessionId);
      if (this.sessionCount !== undefined) this.sessionCount += 1;
      return sessionId;
    }
    if (verdict === 'unavailable') this.sessionCount = undefined;
    return undefined;
  }

  private async changePassword(url: string, tally: Tally): Promise<Verdict> {
    const current = this.password ?? this.guess;
    const input = { currentPassword: current, newPassword: other(current), signOutOtherSessions: false };
    let wrongGuess = false;
    const verdict = await this.ask(
      tally,
      'changePassword',
      url,
      CHANGE_PASSWORD,
      { input },
      this.token,
      ({ changePassword }) => (changePassword as { signedOutCount?: number } | null)?.signedOutCount === 0,
      // Only while the password is unknown: a wrong guess is then the right answer.
      (answer) => {
        wrongGuess = this.password === undefined && answer.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT';
        return wrongGuess;
      },
    );
    // Changed, or (a wrong guess) it already was the other one.
    if (verdict === 'ok') this.password = other(current);
    if (verdict === 'unavailable') {
      this.password = undefined;
      this.guess = other(current);
    }
    return verdict;
  }

  private async revoke(url: string, sessionId: string, tally: Tally): Promise<Verdict> {
    const verdict = await this.ask(
      tally,
      'revokeSession',
      url,
      REVOKE,
      { id: sessionId },
      this.token,
      ({ revokeSession }) =>
        (revokeSession as { revokedSessionId?: string } | null)?.revokedSessionId === sessionId,
    );
    this.extras = this.extras.filter((extra) => extra !== sessionId);
    if (verdict === 'ok' && this.sessionCount !== undefined) this.sessionCount -= 1;
    if (verdict === 'unavailable') this.sessionCount = undefined;
    return verdict;
  }

  private async signOutOthers(url: string, tally: Tally): Promise<Verdict> {
    const expected = this.sessionCount === undefined ? undefined : this.sessionCount - 1;
    const verdict = await this.ask(
      tally,
      'signOutOtherSessions',
      url,
      SIGN_OUT_OTHERS,
      {},
      this.token,
      (data) => {
        const count = (data.signOutOtherSessions as { signedOutCount?: number } | null)?.signedOutCount;
        return typeof count === 'number' && (expected === undefined || count === expected);
      },
    );
    this.extras = [];
    this.sessionCount = verdict === 'ok' ? 1 : undefined;
    return verdict;
  }

  private async ask(
    tally: Tally,
    step: string,
    url: string,
    query: string,
    variables: object,
    token: string | undefined,
    expected: Expectation,
    alsoRight: (answer: GraphqlAnswer) => boolean = () => false,
  ): Promise<Verdict> {
    tally.steps += 1;
    let answer: GraphqlAnswer;
    try {
      answer = await post(url, query, variables, token);
    } catch (error) {
      return record(tally, 'other', `${step} on ${url}: ${String(error)}`);
    }
    const verdict = judge(answer, step, expected, alsoRight);
    if (verdict === 'ok' || verdict === 'unavailable') {
      tally.counts[verdict] += 1;
      return verdict;
    }
    return record(tally, verdict, `${step} on ${url}: ${JSON.stringify(answer)}`);
  }
}

function judge(
  answer: GraphqlAnswer,
  step: string,
  expected: Expectation,
  alsoRight: (answer: GraphqlAnswer) => boolean,
): Verdict {
  const code = answer.errors?.[0]?.extensions?.code;
  if (code === 'SERVICE_UNAVAILABLE') return 'unavailable';
  if (alsoRight(answer)) return 'ok';
  if (code === 'UNAUTHENTICATED') return 'unauthenticated';
  if (code === 'INTERNAL_SERVER_ERROR') return 'internal';
  if (code !== undefined || !answer.data) return 'other';
  if (step === 'me' && answer.data.me === null) return 'meNull';
  return expected(answer.data) ? 'ok' : 'other';
}

function record(tally: Tally, verdict: Verdict, sample: string): Verdict {
  tally.counts[verdict] += 1;
  if (tally.samples.length < 10) tally.samples.push(`${verdict}: ${sample.slice(0, 600)}`);
  return verdict;
}

export interface DrillOptions {
  /** Steps before the disruption, so that it lands among requests in flight. */
  readonly warmupMs: number;
  /** How long after the disruption every user may take to complete a round without a failure. */
  readonly recoveryTimeoutMs: number;
}

export interface DrillResult {
  readonly tally: Tally;
  /** Users who completed a whole round, every answer right, that started after the disruption ended. */
  readonly recovered: number;
}

/**
 * Runs every user's rounds concurrently, disrupts the database in the
 * middle (the disruption sees the tally, to go on until a request met it), and carries on until every user has had a clean round that began
 * after the disruption ended (or the recovery timeout passed).
 */
export async function runDrill(
  users: readonly SequentialUser[],
  urls: readonly string[],
  disrupt: (tally: Tally) => Promise<void>,
  { warmupMs, recoveryTimeoutMs }: DrillOptions,
): Promise<DrillResult> {
  const tally = newTally();
  let stopping = false;
  let disruptionEnded = Number.POSITIVE_INFINITY;
  const recovered = users.map(() => false);
  const rounds = users.map(async (user, index) => {
    while (!stopping) {
      const started = Date.now();
      const clean = await user.cycle(urls, tally);
      if (clean && started >= disruptionEnded) recovered[index] = true;
    }
  });
  await new Promise((done) => setTimeout(done, warmupMs));
  await disrupt(tally);
  disruptionEnded = Date.now();
  const deadline = disruptionEnded + recoveryTimeoutMs;
  while (!recovered.every(Boolean) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 50));
  }
  stopping = true;
  await Promise.all(rounds);
  return { tally, recovered: recovered.filter(Boolean).length };
}
