import { createUser, signIn, type TestUser } from '../../support/factories.js';
import {
  ACCOUNT_SESSIONS_CHANGED,
  closeAll,
  CURRENT_SESSION_ENDED,
  LiveClient,
  type Received,
  startTwoInstances,
  untilSubscribed,
} from '../../support/live-client.js';
import { sessionIdOf } from '../../support/session-rows.js';
import { TestApp } from '../../support/test-app.js';

interface AccountChanged {
  accountSessionsChanged: {
    id: string;
    activeSessionCount: number;
    sessions: Array<{ id: string; current: boolean }>;
  };
}
interface Ended {
  currentSessionEnded: { sessionId: string; reason: string };
}

function byId<T extends { id: string }>(sessions: readonly T[]): T[] {
  return [...sessions].sort((x, y) => x.id.localeCompare(y.id));
}

describe('accountSessionsChanged and isolation across instances', () => {
  let a: TestApp;
  let b: TestApp;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    ({ a, b } = await startTwoInstances());
  });

  afterAll(() => closeAll(clients, b, a));

  interface Device {
    user: TestUser;
    sessionId: string;
    token: string;
    socket: LiveClient;
    changes: Received<AccountChanged>;
    ended: Received<Ended>;
  }

  async function device(user: TestUser, token: string, app: TestApp): Promise<Device> {
    const socket = new LiveClient(app, { token });
    clients.push(socket);
    const changes = socket.subscribe<AccountChanged>(ACCOUNT_SESSIONS_CHANGED);
    const ended = socket.subscribe<Ended>(CURRENT_SESSION_ENDED);
    await untilSubscribed(app, sessionIdOf(token), 2);
    return { user, sessionId: sessionIdOf(token), token, socket, changes, ended };
  }

  it('emits the account, with its device list as the subscriber may read it, when a device signs in or out elsewhere', async () => {
    const alice = await createUser(a);
    // Someone else signed in meanwhile: their session must never reach Alice's list.
    await createUser(a);
    const laptop = await device(alice, alice.token, b);

    const phone = await signIn(a, alice);
    const [signedIn] = await laptop.changes.atLeast(1);
    expect(signedIn.accountSessionsChanged.id).toBe(alice.id);
    expect(signedIn.accountSessionsChanged.activeSessionCount).toBe(2);
    // The exact set (the order is the list's own, most recently active first, not asserted here).
    expect(byId(signedIn.accountSessionsChanged.sessions)).toEqual(
      byId([
        { id: laptop.sessionId, current: true },
        { id: phone.sessionId, current: false },
      ]),
    );

    expect((await a.gql('mutation { signOut }', {}, { token: phone.token })).data).toEqual({ signOut: true });
    const [, signedOut] = await laptop.changes.atLeast(2);
    expect(signedOut.accountSessionsChanged).toEqual({
      id: alice.id,
      activeSessionCount: 1,
      sessions: [{ id: laptop.sessionId, current: true }],
    });
  });

  it('shrinks the device list on every instance when another session expires with no socket open anywhere', async () => {
    const alice = await createUser(a);
    const forgottenLaptop = await signIn(a, alice);
    // Nobody opened the laptop for 30 days: its idle expiry is seconds away (the test's clock).
    await a.sql("UPDATE sessions SET expires_at = now() + interval '2 seconds' WHERE id = $1", [
      forgottenLaptop.sessionId,
    ]);
    const phoneOnA = await device(alice, alice.token, a);
    const tabOnB = await device(alice, (await signIn(a, alice)).token, b);
    await phoneOnA.changes.atLeast(1); // the tab's sign-in
    const heardBefore = [phoneOnA, tabOnB].map((d) => d.changes.events.length);

    for (const [index, d] of [phoneOnA, tabOnB].entries()) {
      const events = await d.changes.atLeast(heardBefore[index] + 1);
      const { activeSessionCount, sessions } = events[events.length - 1].accountSessionsChanged;
      expect(activeSessionCount).toBe(2);
      expect(sessions.map((session) => session.id)).not.toContain(forgottenLaptop.sessionId);
    }
    expect(phoneOnA.ended.events).toEqual([]);
    expect(tabOnB.ended.events).toEqual([]);
  });

  it('never delivers an event to another user’s socket (many users, random endings on random instances)', async () => {
    const seed = Date.now() % 100_000;
    console.log(`isolation test seed: ${seed}`);
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const apps = [a, b];

    const users = await Promise.all(Array.from({ length: 8 }, () => createUser(pick(apps))));
    const devices: Device[] = [];
    for (const user of users) {
      devices.push(await device(user, user.token, pick(apps)));
      for (let extra = Math.floor(random() * 3); extra > 0; extra--) {
        devices.push(await device(user, (await signIn(pick(apps), user)).token, pick(apps)));
      }
    }

    const endedIds = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const user = pick(users);
      const alive = devices.filter((d) => d.user === user && !endedIds.has(d.sessionId));
      if (alive.length === 0) continue;
      const actor = pick(alive);
      const others = alive.filter((d) => d !== actor);
      const action = pick(['signIn', 'revoke', 'signOutOthers', 'signOut'] as const);
      if (action === 'signIn') await signIn(pick(apps), user);
      else if (action === 'revoke' && others.length > 0) {
        const target = pick(others);
        await pick(apps).gql(
          'mutation ($id: ID!) { revokeSession(id: $id) { revokedSessionId } }',
          { id: target.sessionId },
          { token: actor.token },
        );
        endedIds.add(target.sessionId);
      } else if (action === 'signOutOthers') {
        await pick(apps).gql(
          'mutation { signOutOtherSessions { signedOutCount } }',
          {},
          { token: actor.token },
        );
        for (const other of others) endedIds.add(other.sessionId);
      } else if (action === 'signOut') {
        await pick(apps).gql('mutation { signOut }', {}, { token: actor.token });
        endedIds.add(actor.sessionId);
      }
    }

    // Every ended device's socket closes; then one more sign-in per user is a barrier: once each
    // surviving socket has heard of its own, every notification before it has been handled too.
    for (const d of devices.filter((d) => endedIds.has(d.sessionId))) {
      expect(await d.socket.closed).toEqual({ code: 4403, reason: 'Session ended' });
    }
    const survivors = devices.filter((d) => !endedIds.has(d.sessionId));
    const seen = new Map(survivors.map((d) => [d, d.changes.events.length]));
    for (const user of users) await signIn(pick(apps), user);
    for (const d of survivors) await d.changes.atLeast(seen.get(d)! + 1);

    for (const d of devices) {
      for (const event of d.changes.events) expect(event.accountSessionsChanged.id).toBe(d.user.id);
      for (const event of d.ended.events) expect(event.currentSessionEnded.sessionId).toBe(d.sessionId);
      expect(d.ended.events).toHaveLength(endedIds.has(d.sessionId) ? 1 : 0);
    }
  });
});

/** A small seeded generator, so a failing order can be replayed from the printed seed. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
