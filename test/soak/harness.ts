import { setTimeout as sleep } from 'node:timers/promises';

import { ACCOUNT_SESSIONS_CHANGED, CURRENT_SESSION_ENDED, LiveClient } from '../support/live-client.js';
import type { ServerProcess } from '../support/server-process.js';
import type { Device } from './model.js';

interface AuthPayloadJson {
  user: { id: string };
  session: { id: string };
  token: string;
}

/** The fields the soak reads from each operation's answer. */
export interface Payloads {
  me?: {
    id: string;
    email: string;
    emailVerified: boolean;
    activeSessionCount: number;
    sessions: { id: string }[];
  } | null;
  signUp?: AuthPayloadJson;
  signIn?: AuthPayloadJson;
  signOut?: boolean;
  revokeSession?: { user: { id: string } };
  signOutOtherSessions?: { user: { id: string; activeSessionCount: number } };
  changePassword?: { user: { id: string } };
  reauthenticate?: { session: { id: string } };
  requestPasswordReset?: boolean;
  requestEmailVerification?: boolean;
  resetPassword?: AuthPayloadJson;
  verifyEmail?: { id: string; emailVerified: boolean };
  reportUnrecognizedSignIn?: boolean;
}

export interface Answer {
  data?: Payloads;
  /** extensions.code of the first error, or TRANSPORT when no answer came at all. */
  code?: string;
}

/**
 * After a fault the cluster counts as recovered once both instances say they
 * are ready and this much longer has passed (answers in flight land); until
 * then SERVICE_UNAVAILABLE and dropped connections are expected.
 */
export const FAULT_GRACE_MS = 2_000;

/** Request counts, errors by code and latencies, split by whether a fault was under way. */
export class Figures {
  requests = 0;
  readonly errors = new Map<string, number>();
  /** SERVICE_UNAVAILABLE and dropped connections with no fault under way (nor its grace): each fails the run. */
  readonly unavailableOutsideFaults: string[] = [];
  /**
   * Every INTERNAL_SERVER_ERROR but those of a statement-error window: a fault is answered
   * SERVICE_UNAVAILABLE, never a 500, except a statement that failed with a plain error.
   */
  readonly internalErrors: string[] = [];
  /** INTERNAL_SERVER_ERROR answers inside a statement-error window (plus its grace): expected. */
  internalErrorsInStatementFaults = 0;
  readonly latencies: number[] = [];
  readonly faults = new Map<string, number>();
  endedAnswered = 0;
  readonly transportSamples: string[] = [];
  longestCloseMs = 0;
  /** From each acknowledged end to its socket's close, as the client saw it (ms). */
  readonly closeMs: number[] = [];
  /** The same, for ends acknowledged inside a fault window (or its grace), by the fault's kind. */
  readonly closeMsByFault = new Map<string, number[]>();
  mailsReceived = 0;
  /** Mails the SMTP server got more than once (same Message-ID): a crash between send and mark. */
  mailCopies = 0;
  /** Steps run, by operation (after the conversions chooseStep and run make). */
  readonly operations = new Map<string, number>();
  readonly started = Date.now();
  /** The time the concurrent steps ran (what requests per second is taken over). */
  driveMs = 0;
}

/** A fault's window: from its start until both instances were ready again, plus FAULT_GRACE_MS. */
export interface FaultWindow {
  readonly kind: string;
  readonly start: number;
  /** Unset while the fault is under way. */
  end?: number;
}

/** The two instances, which one is down, and whether a fault is under way. */
export class Cluster {
  faultUnderway = false;
  /** Statements fail with plain errors (a statement-error window): INTERNAL_SERVER_ERROR is expected. */
  statementErrorsUnderway = false;
  /** Every fault window so far, in order. */
  readonly windows: FaultWindow[] = [];
  /**
   * Set once a violation ends the run, so that no worker sends to instances being stopped, and
   * once the run is over: the sockets the soak then closes itself are not counted as closes.
   */
  stopped = false;
  readonly down = new Set<number>();

  constructor(
    readonly instances: ServerProcess[],
    readonly figures: Figures,
  ) {}

  /** The instance a device should use: its own, or the other while its own is down. */
  route(preferred: number): number {
    return this.down.has(preferred) ? 1 - preferred : preferred;
  }

  async gql(
    instance: number,
    query: string,
    variables: object = {},
    token?: string,
    userAgent?: string,
  ): Promise<Answer> {
    const target = this.instances[this.route(instance)];
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (userAgent) headers['user-agent'] = userAgent;
    const duringFault = this.faultUnderway;
    const duringStatementErrors = this.statementErrorsUnderway;
    const started = performance.now();
    this.figures.requests++;
    let answer: Answer;
    try {
      const response = await fetch(`${target.url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as {
        data?: Payloads | null;
        errors?: { extensions?: { code?: string } }[];
      };
      answer = { data: body.data ?? undefined, code: body.errors?.[0]?.extensions?.code };
    } catch (error) {
      answer = { code: 'TRANSPORT' };
      if (this.figures.transportSamples.length < 5)
        this.figures.transportSamples.push(
          `${target.url}: ${String(error)} ${String((error as { cause?: unknown }).cause)}`,
        );
    }
    const faulty = duringFault || this.faultUnderway;
    if (!faulty) this.figures.latencies.push(performance.now() - started);
    if (answer.code) {
      this.figures.errors.set(answer.code, (this.figures.errors.get(answer.code) ?? 0) + 1);
      if ((answer.code === 'SERVICE_UNAVAILABLE' || answer.code === 'TRANSPORT') && !faulty)
        this.figures.unavailableOutsideFaults.push(
          `${answer.code} (${this.sinceLastWindow()}, ${Math.round(performance.now() - started)} ms): ${query.slice(0, 60)}`,
        );
      if (answer.code === 'INTERNAL_SERVER_ERROR') {
        if (duringStatementErrors || this.statementErrorsUnderway)
          this.figures.internalErrorsInStatementFaults++;
        else
          this.figures.internalErrors.push(
            `${faulty ? 'during a fault' : 'no fault'}: ${query.slice(0, 60)}`,
          );
      }
    }
    return answer;
  }

  /** Opens the device's live connection (both subscriptions) on the instance it uses. */
  connect(device: Device, onAccount: (user: { id: string }) => void): void {
    const live = new LiveClient(this.instances[this.route(device.instance)], { token: device.token });
    device.live = live;
    live.subscribe(CURRENT_SESSION_ENDED);
    const changes = live.subscribe<{ accountSessionsChanged?: { id: string } }>(ACCOUNT_SESSIONS_CHANGED);
    const original = changes.push.bind(changes);
    changes.push = (event) => {
      if (event.accountSessionsChanged) onAccount(event.accountSessionsChanged);
      original(event);
    };
    void live.closed.then((closed) => {
      const now = Date.now();
      if (device.live === live) {
        device.closedWith = closed.code;
        device.closedAt = now;
        device.live = undefined;
      }
      // Once the run is over the soak closes every socket itself: those closes are not the server's.
      if (device.endedAt === undefined || this.stopped) return;
      const elapsed = now - device.endedAt;
      this.figures.longestCloseMs = Math.max(this.figures.longestCloseMs, elapsed);
      this.figures.closeMs.push(elapsed);
      const window = this.windowAt(device.endedAt);
      if (window) {
        const list = this.figures.closeMsByFault.get(window.kind) ?? [];
        list.push(elapsed);
        this.figures.closeMsByFault.set(window.kind, list);
      }
    });
  }

  /** How long ago the last fault window ended, and its kind: what an answer outside the windows followed. */
  private sinceLastWindow(): string {
    const last = this.windows.at(-1);
    if (!last?.end) return 'no fault before';
    return `${Date.now() - last.end} ms after a ${last.kind} window`;
  }

  /** The fault window under way at `time`, if any. */
  windowAt(time: number): FaultWindow | undefined {
    return this.windows.find((window) => window.start <= time && time <= (window.end ?? Infinity));
  }

  /**
   * By when an end acknowledged at `endedAt` must have closed its socket: `boundMs` after it, or
   * after the end of any fault window that was under way then or began within that time (a
   * listener terminated just after the end delays its close to the re-check).
   */
  closeDeadline(endedAt: number, boundMs: number): number {
    let deadline = endedAt + boundMs;
    for (const window of this.windows)
      if (window.start <= deadline && (window.end ?? Infinity) >= endedAt)
        deadline = Math.max(deadline, (window.end ?? Infinity) + boundMs);
    return deadline;
  }

  /**
   * Waits (bounded) until an ended device's live connection is closed; false if it is still open
   * at `deadline` (ms since the epoch) or closed only after it.
   */
  async closedBy(device: Device, deadline: number): Promise<boolean> {
    while (device.live && Date.now() < deadline) await sleep(50);
    return device.live === undefined && (device.closedAt ?? 0) <= deadline;
  }
}
