import type { WebSocket } from 'ws';

import { SessionEndReason } from '../sessions/session-events.js';
import { LiveConnection } from './live-connection.js';
import { LiveConnections } from './live-connections.js';

function connection(userId: string, sessionId: string): { live: LiveConnection; closes: number[] } {
  const closes: number[] = [];
  const socket = { close: (code: number) => closes.push(code) } as unknown as WebSocket;
  const auth = {
    user: { id: userId, email: `${userId}@example.com`, createdAt: new Date(0) },
    session: {
      id: sessionId,
      userId,
      lastActiveAt: new Date(),
      expiresAt: new Date(),
      absoluteExpiresAt: new Date(),
    },
  };
  return { live: new LiveConnection(socket, auth, `${sessionId}.secret`), closes };
}

describe('LiveConnections.apply', () => {
  it('closes the sockets of the sessions an ending names, and only those', async () => {
    const connections = new LiveConnections();
    const phone = connection('alice', 's1');
    const laptop = connection('alice', 's2');
    const bob = connection('bob', 's3');
    for (const { live } of [phone, laptop, bob]) connections.add(live);

    expect(
      connections.apply({
        kind: 'ended',
        userId: 'alice',
        reason: SessionEndReason.REVOKED,
        sessionIds: ['s1'],
      }),
    ).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));

    expect(phone.closes).toEqual([4403]);
    expect(laptop.closes).toEqual([]);
    expect(bob.closes).toEqual([]);
  });

  it('hands back, for a bulk ending, the user’s other sockets to check, never the kept one or another user’s', () => {
    const connections = new LiveConnections();
    const kept = connection('alice', 'keep');
    const others = [connection('alice', 'a'), connection('alice', 'b')];
    const bob = connection('bob', 'c');
    for (const { live } of [kept, ...others, bob]) connections.add(live);

    const toCheck = connections.apply({
      kind: 'ended',
      userId: 'alice',
      reason: SessionEndReason.SIGNED_OUT_BY_OTHER_SESSION,
      keptSessionId: 'keep',
    });

    expect(toCheck.map((live) => live.sessionId).sort()).toEqual(['a', 'b']);
    expect(kept.closes).toEqual([]);
  });

  it('forgets a socket once removed', () => {
    const connections = new LiveConnections();
    const { live } = connection('alice', 's1');
    connections.add(live);
    connections.remove(live);

    expect(connections.size).toBe(0);
    expect(connections.ofUser('alice')).toEqual([]);
  });
});
