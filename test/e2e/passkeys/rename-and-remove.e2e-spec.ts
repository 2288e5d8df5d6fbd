import pg from 'pg';

import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser, signIn, uniqueEmail } from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { CookieJar, signInThroughProvider } from '../../support/oidc-browser.js';
import { type OidcTestSetup, startAppWithProvider } from '../../support/oidc-test-app.js';
import type { PasskeyAuthenticator } from '../../support/passkey-authenticator.js';
import {
  addPasskey,
  expectRefusedOn,
  FINISH_REGISTRATION,
  MY_PASSKEYS,
  PASSKEY_ORIGIN,
  passkeyRowsOf,
  type PasskeyView,
  registrationOptions,
  REMOVE_PASSKEY,
  RENAME_PASSKEY,
  signInWithPasskey,
  testAuthenticator,
} from '../../support/passkeys.js';
import { ageAuthentication, securityEventRowsOf, sessionIdOf } from '../../support/session-rows.js';
import type { GraphqlResponse, TestApp } from '../../support/test-app.js';

const UNLINK = 'mutation($id: ID!) { unlinkIdentity(id: $id) { id identities { id } } }';

type MyPasskeys = { me: { passkeys: PasskeyView[] } };
type Removed = { removePasskey: { id: string; passkeys: PasskeyView[] } };

/**
 * The owner names and removes passkeys. Removing is a credential change (the
 * sudo window, a log entry, a mail), and is refused when the passkey is the
 * account's last way in; another account's passkey is not found.
 */
describe('renaming and removing passkeys', () => {
  let catcher: MailCatcher;
  let setup: OidcTestSetup;
  const app = (): TestApp => setup.app;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    setup = await startAppWithProvider({ env: { ...catcher.env, LOG_LEVEL: 'error' } });
  });

  afterAll(async () => {
    await setup?.app.close();
    await setup?.provider.close();
    await catcher?.close();
  });

  async function passkeysOf(token: string): Promise<PasskeyView[]> {
    const response = await app().gql<MyPasskeys>(MY_PASSKEYS, {}, { token });
    return response.data!.me.passkeys;
  }

  function remove(id: string, token: string): Promise<GraphqlResponse<Removed>> {
    return app().gql<Removed>(REMOVE_PASSKEY, { id }, { token });
  }

  async function passwordOwner(name?: string) {
    const user = await createUser(app());
    const authenticator = testAuthenticator();
    const passkey = await addPasskey(app(), user, authenticator, { name });
    return { ...user, authenticator, passkey };
  }

  /**
   * An account made through the identity provider (no password) that added a
   * passkey, proving itself at the provider again for the sudo window.
   */
  async function providerAccountWithPasskey(): Promise<{
    token: string;
    authenticator: PasskeyAuthenticator;
    passkey: PasskeyView;
    identityId: string;
  }> {
    const person = { subject: `passkey-${Math.random().toString(36).slice(2)}`, email: uniqueEmail() };
    const { sessionToken } = await signInThroughProvider(app(), setup.providerId, person);
    const token = sessionToken!;
    const browser = new CookieJar();
    browser.set(app().url, 'session', token);
    const stepUp = await signInThroughProvider(app(), setup.providerId, person, browser, '?reauthenticate=1');
    expect(stepUp.error).toBeNull();
    const authenticator = testAuthenticator();
    const finished = await app().gql<{ finishPasskeyRegistration: PasskeyView }>(
      FINISH_REGISTRATION,
      { input: { responseJson: authenticator.createCredential(await registrationOptions(app(), token)) } },
      { token },
    );
    expect(finished.errors).toBeUndefined();
    const me = await app().gql<{ me: { identities: Array<{ id: string }> } }>(
      '{ me { identities { id } } }',
      {},
      { token },
    );
    return {
      token,
      authenticator,
      passkey: finished.data!.finishPasskeyRegistration,
      identityId: me.data!.me.identities[0].id,
    };
  }

  /**
   * Runs `action` while the security log's table is locked: a removal writes its
   * event right after its DELETE, so it waits there with its decision made and
   * not committed. `bothWaiting` resolves once two statements wait on a lock,
   * then the lock goes. Two removals held this way have each decided before
   * the other commits, which is the race the account's row lock must order.
   */
  async function withSecurityLogLocked<T>(action: (bothWaiting: Promise<void>) => Promise<T>): Promise<T> {
    const locker = new pg.Client({ connectionString: app().database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE security_events IN SHARE MODE');
      const bothWaiting = (async () => {
        // Watched from the app's pool: pg_stat_activity is a snapshot within a transaction.
        for (;;) {
          const [{ waiting }] = await app().sql<{ waiting: number }>(
            "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
          );
          if (waiting >= 2) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await locker.query('COMMIT');
      })();
      return await action(bothWaiting);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  }

  it('renames a passkey of the account', async () => {
    const owner = await passwordOwner('Laptop');

    const renamed = await app().gql<{ renamePasskey: PasskeyView }>(
      RENAME_PASSKEY,
      { id: owner.passkey.id, name: 'Old laptop' },
      { token: owner.token },
    );

    expect(renamed.data?.renamePasskey).toEqual({ ...owner.passkey, name: 'Old laptop' });
    expect(await passkeysOf(owner.token)).toEqual([{ ...owner.passkey, name: 'Old laptop' }]);
  });

  it("does not rename another account's passkey", async () => {
    const [alice, bob] = await Promise.all([passwordOwner('Alice’s phone'), passwordOwner()]);

    const response = await app().gql(
      RENAME_PASSKEY,
      { id: alice.passkey.id, name: 'Mine now' },
      { token: bob.token },
    );

    expect(response.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await passkeysOf(alice.token)).toEqual([alice.passkey]);
  });

  it('needs the sudo window to remove one', async () => {
    const owner = await passwordOwner();
    await ageAuthentication(app(), [sessionIdOf(owner.token)], 3600);

    const response = await remove(owner.passkey.id, owner.token);

    expect(response.errors?.[0].extensions?.code).toBe('REAUTHENTICATION_REQUIRED');
    expect(await passkeysOf(owner.token)).toEqual([owner.passkey]);
  });

  it('removes one: no longer listed, no longer signs in, logged, and the owner mailed', async () => {
    const owner = await passwordOwner();

    const response = await remove(owner.passkey.id, owner.token);

    expect(response.errors).toBeUndefined();
    expect(response.data!.removePasskey.passkeys).toEqual([]);
    expect(await passkeyRowsOf(app(), [owner.id])).toEqual([]);
    expectRefusedOn(await signInWithPasskey(app(), owner.authenticator), 'response');
    const types = (await securityEventRowsOf(app(), owner.id)).map((event) => event.type);
    expect(types.filter((type) => type === 'PASSKEY_REMOVED')).toHaveLength(1);
    const removedMail = () =>
      catcher.to(owner.email).filter((mail) => /passkey/i.test(mail.subject) && /remov/i.test(mail.subject));
    while (removedMail().length === 0) {
      await app().get(MailDeliveryJob).run();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(removedMail()[0].link).toMatch(`${PASSKEY_ORIGIN}/not-me?token=`);
  });

  it('turns two-factor off with the last passkey of an account that has no other second factor', async () => {
    const owner = await passwordOwner();

    expect((await remove(owner.passkey.id, owner.token)).errors).toBeUndefined();

    const me = await app().gql<{ me: { twoFactorEnabled: boolean } }>(
      MY_PASSKEYS,
      {},
      { token: owner.token },
    );
    expect(me.data!.me.twoFactorEnabled).toBe(false);
    // The password alone signs in again.
    await signIn(app(), owner);
  });

  it("answers another account's passkey as not found and removes nothing", async () => {
    const [alice, bob] = await Promise.all([passwordOwner(), passwordOwner()]);

    const response = await remove(alice.passkey.id, bob.token);

    expect(response.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await passkeysOf(alice.token)).toEqual([alice.passkey]);
    expect(await passkeysOf(bob.token)).toEqual([bob.passkey]);
  });

  it('refuses to remove the last way in of an account without a password or a provider', async () => {
    const account = await providerAccountWithPasskey();
    const unlinked = await app().gql(UNLINK, { id: account.identityId }, { cookie: account.token });
    expect(unlinked.errors).toBeUndefined();

    const response = await remove(account.passkey.id, account.token);

    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await passkeysOf(account.token)).toEqual([account.passkey]);
    const stillSignsIn = await signInWithPasskey(app(), account.authenticator);
    expect(stillSignsIn.errors).toBeUndefined();
  });

  it('removes a passkey of such an account once another passkey can sign in', async () => {
    const account = await providerAccountWithPasskey();
    expect(
      (await app().gql(UNLINK, { id: account.identityId }, { cookie: account.token })).errors,
    ).toBeUndefined();
    const spare = testAuthenticator();
    await addPasskey(app(), { password: '', token: account.token }, spare, { reauthenticated: true });

    const response = await remove(account.passkey.id, account.token);

    expect(response.errors).toBeUndefined();
    expect(response.data!.removePasskey.passkeys).toHaveLength(1);
    expect((await signInWithPasskey(app(), spare)).errors).toBeUndefined();
  });

  it('never lets two removals at once take away the last two passkeys of such an account', async () => {
    const account = await providerAccountWithPasskey();
    expect(
      (await app().gql(UNLINK, { id: account.identityId }, { cookie: account.token })).errors,
    ).toBeUndefined();
    const spareKey = testAuthenticator();
    const spare = await addPasskey(app(), { password: '', token: account.token }, spareKey, {
      reauthenticated: true,
    });
    // Each removal from its own device (its own session, in its sudo window since it just signed in).
    const otherDevice = (await signInWithPasskey(app(), spareKey)).data!.signInWithPasskey.token;

    const answers = await withSecurityLogLocked(async (bothWaiting) => {
      const removals = Promise.all([
        remove(account.passkey.id, account.token),
        remove(spare.id, otherDevice),
      ]);
      await bothWaiting;
      return removals;
    });

    expect(answers.filter((answer) => answer.data?.removePasskey)).toHaveLength(1);
    expect(answers.filter((answer) => answer.errors?.[0].extensions?.code === 'BAD_USER_INPUT')).toHaveLength(
      1,
    );
    expect(await passkeysOf(account.token)).toHaveLength(1);
  });

  it('lets an account without a password unlink its provider once it has a passkey', async () => {
    const account = await providerAccountWithPasskey();

    const unlinked = await app().gql<{ unlinkIdentity: { identities: unknown[] } }>(
      UNLINK,
      { id: account.identityId },
      { cookie: account.token },
    );

    expect(unlinked.errors).toBeUndefined();
    expect(unlinked.data!.unlinkIdentity.identities).toEqual([]);
  });
});
