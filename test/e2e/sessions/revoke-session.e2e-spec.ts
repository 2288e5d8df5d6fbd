import { randomUUID } from 'node:crypto';

import { createUser, signIn, whoAmI } from '../../support/factories.js';
import { sessionIdOf, sessionIdsOf } from '../../support/session-rows.js';
import { useTestApp, withoutRequestIds } from '../../support/test-app.js';

const REVOKE = `mutation Revoke($id: ID!) {
  revokeSession(id: $id) { revokedSessionId user { id activeSessionCount } }
}`;

describe('revokeSession', () => {
  const app = useTestApp();

  it('ends the named session of the user and leaves the others, the requesting one included', async () => {
    const alice = await createUser(app);
    const laptop = sessionIdOf(alice.token);
    const phone = await signIn(app, alice);
    const tablet = await signIn(app, alice);

    const response = await app.gql(REVOKE, { id: phone.sessionId }, { cookie: alice.token });

    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      revokeSession: { revokedSessionId: phone.sessionId, user: { id: alice.id, activeSessionCount: 2 } },
    });
    expect(response.setCookies).toEqual([]);
    expect(await whoAmI(app, phone.token)).toBeNull();
    expect(await whoAmI(app, tablet.token)).toEqual({ id: alice.id, activeSessionCount: 2 });
    expect(await sessionIdsOf(app, [alice.id])).toEqual([laptop, tablet.sessionId].sort());
  });

  it('signs the request out when it names the requesting session: cookie cleared, token refused', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);

    const response = await app.gql(
      'mutation($id: ID!) { revokeSession(id: $id) { revokedSessionId user { id } } }',
      { id: sessionIdOf(alice.token) },
      { cookie: alice.token },
    );

    expect(response.data).toEqual({
      revokeSession: { revokedSessionId: sessionIdOf(alice.token), user: { id: alice.id } },
    });
    expect(response.setCookies).toHaveLength(1);
    expect(response.setCookies[0]).toMatch(/^session=;/);
    expect(response.setCookies[0]).toContain('Expires=Thu, 01 Jan 1970');
    expect(await whoAmI(app, alice.token)).toBeNull();
    expect(await whoAmI(app, phone.token)).toEqual({ id: alice.id, activeSessionCount: 1 });
  });

  it("no longer answers the session fields once the request's own session is revoked", async () => {
    const alice = await createUser(app);

    const response = await app.gql(
      'mutation($id: ID!) { revokeSession(id: $id) { user { id sessions { id } } } }',
      { id: sessionIdOf(alice.token) },
      { token: alice.token },
    );

    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.path).toEqual(['revokeSession', 'user', 'sessions']);
    expect(await sessionIdsOf(app, [alice.id])).toEqual([]);
  });

  it("answers NOT_FOUND for another user's session exactly as for one that does not exist, and ends nothing", async () => {
    const alice = await createUser(app);
    const bob = await createUser(app);
    const bobsSession = sessionIdOf(bob.token);

    const othersSession = await app.gql(REVOKE, { id: bobsSession }, { token: alice.token });
    const missingSession = await app.gql(REVOKE, { id: randomUUID() }, { token: alice.token });

    expect(othersSession.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(othersSession.data).toBeNull();
    expect(othersSession.errors?.[0]?.message).toBe(missingSession.errors?.[0]?.message);
    expect(withoutRequestIds(othersSession.errors)).toEqual(withoutRequestIds(missingSession.errors));
    expect(await sessionIdsOf(app, [bob.id])).toEqual([bobsSession]);
    expect(await whoAmI(app, bob.token)).toEqual({ id: bob.id, activeSessionCount: 1 });
    expect(await whoAmI(app, alice.token)).toEqual({ id: alice.id, activeSessionCount: 1 });
  });

  it('answers a malformed id with the same NOT_FOUND, never an internal error', async () => {
    const alice = await createUser(app);
    const missing = await app.gql(REVOKE, { id: randomUUID() }, { token: alice.token });

    for (const id of ['not-a-uuid', '', `${sessionIdOf(alice.token)}'--`, "1' OR '1'='1", '42']) {
      const response = await app.gql(REVOKE, { id }, { token: alice.token });

      expect(response.status).toBe(200);
      expect(withoutRequestIds(response.errors)).toEqual(withoutRequestIds(missing.errors));
    }
    expect(await whoAmI(app, alice.token)).toEqual({ id: alice.id, activeSessionCount: 1 });
  });

  it('accepts the id in any letter case', async () => {
    const alice = await createUser(app);
    const phone = await signIn(app, alice);

    const response = await app.gql(REVOKE, { id: phone.sessionId.toUpperCase() }, { token: alice.token });

    expect(response.data).toEqual({
      revokeSession: { revokedSessionId: phone.sessionId, user: { id: alice.id, activeSessionCount: 1 } },
    });
  });

  it('answers UNAUTHENTICATED without a session, and ends nothing', async () => {
    const alice = await createUser(app);

    const response = await app.gql(REVOKE, { id: sessionIdOf(alice.token) });

    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await whoAmI(app, alice.token)).toEqual({ id: alice.id, activeSessionCount: 1 });
  });
});
