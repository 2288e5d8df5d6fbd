import { createUser } from '../../support/factories.js';
import { useTestApp } from '../../support/test-app.js';

const ME = '{ me { id } }';
const SIGN_OUT = 'mutation { signOut }';

describe('in production, the only session cookie is __Host-session', () => {
  const app = useTestApp({ NODE_ENV: 'production' });

  it("ignores a planted plain `session` cookie: the victim is not signed into the attacker's account", async () => {
    const attacker = await createUser(app);

    const planted = await app.gql(ME, {}, { headers: { cookie: `session=${attacker.token}` } });

    expect(planted.errors).toBeUndefined();
    expect(planted.data).toEqual({ me: null });
  });

  it("reads the victim's own __Host-session even when a planted `session` cookie comes first", async () => {
    const [attacker, victim] = await Promise.all([createUser(app), createUser(app)]);

    const response = await app.gql(
      ME,
      {},
      {
        headers: { cookie: `session=${attacker.token}; __Host-session=${victim.token}` },
      },
    );

    expect(response.data).toEqual({ me: { id: victim.id } });
  });

  it('clears a stray plain `session` cookie on sign-out, together with its own', async () => {
    const victim = await createUser(app);

    const response = await app.gql(SIGN_OUT, {}, { headers: { cookie: `__Host-session=${victim.token}` } });

    expect(response.data).toEqual({ signOut: true });
    expect(response.setCookies).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^__Host-session=;.*Expires=Thu, 01 Jan 1970/),
        expect.stringMatching(/^session=;.*Expires=Thu, 01 Jan 1970/),
      ]),
    );
  });
});

describe('outside production', () => {
  const app = useTestApp();

  it('reads the plain `session` cookie that it sets over http://localhost', async () => {
    const user = await createUser(app);

    expect((await app.gql(ME, {}, { cookie: user.token })).data).toEqual({ me: { id: user.id } });
  });
});

describe('a bearer token and a session cookie in one request', () => {
  const app = useTestApp();

  it('refuses them with BAD_REQUEST when they name different sessions, and ends neither', async () => {
    const [alice, bob] = await Promise.all([createUser(app), createUser(app)]);

    const response = await app.gql(SIGN_OUT, {}, { token: alice.token, cookie: bob.token });

    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(response.errors?.[0]?.message).toMatch(/bearer token and a session cookie for different sessions/);
    expect((await app.gql(ME, {}, { token: alice.token })).data).toEqual({ me: { id: alice.id } });
    expect((await app.gql(ME, {}, { cookie: bob.token })).data).toEqual({ me: { id: bob.id } });
  });

  it('accepts the same token in both', async () => {
    const alice = await createUser(app);

    const response = await app.gql(ME, {}, { token: alice.token, cookie: alice.token });

    expect(response.data).toEqual({ me: { id: alice.id } });
  });
});
