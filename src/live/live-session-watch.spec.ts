import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';

import { SessionEndReason, type SessionEvents } from '../sessions/session-events.js';
import type { SessionLiveness, SessionLivenessRepository } from '../sessions/session-liveness.repository.js';
import { LiveConnection } from './live-connection.js';
import { LiveConnections } from './live-connections.js';
import { CHECK_BUDGET_MS, LiveSessionWatch } from './live-session-watch.js';

/** A socket of a session that expires in an hour, and the close codes it was sent. */
function phone(sessionId = 'phone'): { live: LiveConnection; closes: number[] } {
  const closes: number[] = [];
  const socket = { close: (code: number) => closes.push(code) } as unknown as WebSocket;
  const inAnHour = new Date(Date.now() + 3_600_000);
  const auth = {
    user: { id: 'alice', email: 'alice@example.com', createdAt: new Date(0) },
    session: {
      id: sessionId,
      userId: 'alice',
      lastActiveAt: new Date(),
      expiresAt: inAnHour,
      absoluteExpiresAt: inAnHour,
    },
  };
  return { live: new LiveConnection(socket, auth, `${sessionId}.secret`), closes };
}

/** The liveness read, answering each call with the next of `answers` (the last one repeats). */
function livenessAnswering(...answers: Array<SessionLiveness[] | Error>): {
  repository: SessionLivenessRepository;
  calls: () => number;
} {
  let calls = 0;
  const find = (): Promise<SessionLiveness[]> => {
    const answer = answers[Math.min(calls++, answers.length - 1)];
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return { repository: { find } as unknown as SessionLivenessRepository, calls: () => calls };
}

const events = { announce: () => Promise.resolve() } as unknown as SessionEvents;

describe('LiveSessionWatch.check when the database answers errors', () => {
  // Each failed read is logged as a warning: expected here, and kept out of the test's output.
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('reads again after a failed read, and closes a session found gone with the ending’s reason', async () => {
    jest.useFakeTimers();
    const { live, closes } = phone();
    const liveness = livenessAnswering(new Error('connection reset'), []);
    const watch = new LiveSessionWatch(new LiveConnections(), liveness.repository, events);

    const checked = watch.check([live], SessionEndReason.SIGNED_OUT_BY_OTHER_SESSION);
    await jest.advanceTimersByTimeAsync(1_000);
    await checked;

    expect(liveness.calls()).toBe(2);
    expect(closes).toEqual([4403]);
    watch.onModuleDestroy();
  });

  it('keeps a socket whose session the retried read finds alive', async () => {
    jest.useFakeTimers();
    const { live, closes } = phone();
    const row = { id: 'phone', expiresAt: live.expiresAt, expired: false };
    const liveness = livenessAnswering(new Error('statement timeout'), [row]);
    const watch = new LiveSessionWatch(new LiveConnections(), liveness.repository, events);

    const checked = watch.check([live]);
    await jest.advanceTimersByTimeAsync(1_000);
    await checked;

    expect(liveness.calls()).toBe(2);
    expect(closes).toEqual([]);
    watch.onModuleDestroy();
  });

  it('closes with 1013 (try again later) a socket it could not check within the budget, never as ended', async () => {
    jest.useFakeTimers();
    const { live, closes } = phone();
    const liveness = livenessAnswering(new Error('the database keeps failing'));
    const watch = new LiveSessionWatch(new LiveConnections(), liveness.repository, events);

    const checked = watch.check([live]);
    await jest.advanceTimersByTimeAsync(CHECK_BUDGET_MS / 2);
    expect(closes).toEqual([]);
    await jest.advanceTimersByTimeAsync(CHECK_BUDGET_MS / 2);
    await checked;

    expect(liveness.calls()).toBeGreaterThan(2);
    expect(closes).toEqual([1013]);
    watch.onModuleDestroy();
  });
});
