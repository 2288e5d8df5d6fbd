import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MailDeliveryJob } from '../../../src/mail/mail-delivery.job.js';
import { createUser, signIn, USER_AGENTS } from '../../support/factories.js';
import { MailCatcher } from '../../support/mail-catcher.js';
import { writeMmdb } from '../../support/mmdb-writer.js';
import { TestApp, useTestApp } from '../../support/test-app.js';

// A city database of the tests' making (GeoLite2's layout): no network, no
// dependence on what the real databases say this month.
const LONDON = '81.2.69.142';
const LAGOS = '102.88.34.1';
const BERLIN_V6 = '2a02:8100:1:2::3';
const DIR = mkdtempSync(join(tmpdir(), 'geoip-e2e-'));
const DATABASE = join(DIR, 'city.mmdb');
writeFileSync(
  DATABASE,
  writeMmdb([
    {
      network: '81.2.69.0/24',
      data: {
        city: { names: { en: 'London' } },
        subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }],
        country: { iso_code: 'GB', names: { en: 'United Kingdom' } },
      },
    },
    {
      network: '102.88.0.0/16',
      data: { city: { names: { en: 'Lagos' } }, country: { iso_code: 'NG', names: { en: 'Nigeria' } } },
    },
    { network: '2a02:8100::/32', data: { country: { iso_code: 'DE', names: { en: 'Germany' } } } },
    // Real databases carry rows for private and loopback ranges too: never to be shown.
    { network: '192.168.0.0/16', data: { country: { iso_code: 'GB', names: { en: 'United Kingdom' } } } },
    { network: '127.0.0.0/8', data: { country: { iso_code: 'GB', names: { en: 'United Kingdom' } } } },
  ]),
);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const SESSIONS = '{ me { sessions { id current ipAddress location { city region country countryCode } } } }';
const EVENTS = `{ me { securityEvents(first: 5) { edges { node {
  type ipAddress location { city region country countryCode } } } } } }`;

interface Located {
  city: string | null;
  region: string | null;
  country: string | null;
  countryCode: string | null;
}
interface SessionRow {
  id: string;
  current: boolean;
  ipAddress: string | null;
  location: Located | null;
}

const from = (address: string): Record<string, string> => ({ 'x-forwarded-for': address });

async function sessionsOf(
  app: TestApp,
  token: string,
  headers: Record<string, string> = {},
): Promise<SessionRow[]> {
  const response = await app.gql<{ me: { sessions: SessionRow[] } }>(SESSIONS, {}, { token, headers });
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!.me.sessions;
}

async function eventsOf(app: TestApp, token: string) {
  const response = await app.gql<{
    me: {
      securityEvents: {
        edges: Array<{ node: { type: string; ipAddress: string; location: Located | null } }>;
      };
    };
  }>(EVENTS, {}, { token });
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!.me.securityEvents.edges.map((edge) => edge.node);
}

/** The session's next request writes its activity (and address), as it would a touch interval later. */
async function makeActivityDue(app: TestApp, sessionId: string): Promise<void> {
  await app.sql(`UPDATE sessions SET last_active_at = now() - interval '1 day' WHERE id = $1`, [sessionId]);
}

describe('approximate location, behind a trusted proxy', () => {
  // The tests connect over loopback, so loopback plays the reverse proxy.
  const app = useTestApp({ TRUST_PROXY: 'loopback', GEOIP_DATABASE: DATABASE });

  it('lists the country (and city) of the forwarded address on the session and on its sign-in event', async () => {
    const alice = await createUser(app, { headers: from(LONDON) });

    const [session] = await sessionsOf(app, alice.token, from(LONDON));

    expect(session).toMatchObject({
      ipAddress: LONDON,
      location: { city: 'London', region: 'England', country: 'United Kingdom', countryCode: 'GB' },
    });
    expect(await eventsOf(app, alice.token)).toEqual([
      {
        type: 'SIGNED_UP',
        ipAddress: LONDON,
        location: { city: 'London', region: 'England', country: 'United Kingdom', countryCode: 'GB' },
      },
    ]);
    // Stored, not worked out when read.
    const [row] = await app.sql<{ location: Located }>('SELECT location FROM sessions WHERE id = $1', [
      session.id,
    ]);
    expect(row.location).toEqual(session.location);
  });

  it('places an IPv6 address, with no city where the database has none', async () => {
    const bob = await createUser(app, { headers: from(BERLIN_V6) });

    const [session] = await sessionsOf(app, bob.token);

    expect(session.location).toEqual({ city: null, region: null, country: 'Germany', countryCode: 'DE' });
  });

  it('moves the session when its address changes, and leaves the sign-in event where it happened', async () => {
    const carol = await createUser(app, { headers: from(LONDON) });
    const [before] = await sessionsOf(app, carol.token, from(LONDON));
    await makeActivityDue(app, before.id);

    // The request that writes the activity reads its own session as written.
    const [after] = await sessionsOf(app, carol.token, from(LAGOS));

    expect(after).toMatchObject({
      id: before.id,
      ipAddress: LAGOS,
      location: { city: 'Lagos', region: null, country: 'Nigeria', countryCode: 'NG' },
    });
    expect((await eventsOf(app, carol.token))[0].location?.city).toBe('London');
  });

  it('gives null for a private address and for one the database does not know', async () => {
    const dave = await createUser(app, { headers: from('192.168.1.20') });
    const erin = await createUser(app, { headers: from('8.8.8.8') });

    expect((await sessionsOf(app, dave.token))[0].location).toBeNull();
    expect((await eventsOf(app, dave.token))[0].location).toBeNull();
    expect((await sessionsOf(app, erin.token))[0].location).toBeNull();
  });

  it('gives each device its own place in the list', async () => {
    const frank = await createUser(app, { headers: from(LONDON), userAgent: USER_AGENTS.chromeOnMac });
    const phone = await signIn(app, frank, { headers: from(LAGOS), userAgent: USER_AGENTS.safariOnIphone });

    const sessions = await sessionsOf(app, frank.token);

    const countryOf = (id: string | undefined) => sessions.find((s) => s.id === id)?.location?.countryCode;
    expect(countryOf(phone.sessionId)).toBe('NG');
    expect(countryOf(sessions.find((s) => s.current)?.id)).toBe('GB');
  });
});

describe('approximate location without a trusted proxy', () => {
  const app = useTestApp({ GEOIP_DATABASE: DATABASE });

  it('ignores a forged X-Forwarded-For: the loopback socket address has no location', async () => {
    const user = await createUser(app, { headers: from(LONDON) });

    const [session] = await sessionsOf(app, user.token);

    expect(session).toMatchObject({ ipAddress: '127.0.0.1', location: null });
  });
});

describe('GEOIP_DATABASE=off', () => {
  const app = useTestApp({ TRUST_PROXY: 'loopback', GEOIP_DATABASE: 'off' });

  it('shows no location anywhere', async () => {
    const user = await createUser(app, { headers: from(LONDON) });

    expect((await sessionsOf(app, user.token))[0]).toMatchObject({ ipAddress: LONDON, location: null });
    expect((await eventsOf(app, user.token))[0].location).toBeNull();
  });
});

describe('a GEOIP_DATABASE that cannot be read', () => {
  it('refuses to start, naming the variable, the file and the way out', async () => {
    const missing = join(DIR, 'GeoLite2-City.mmdb');

    await expect(TestApp.create({ GEOIP_DATABASE: missing })).rejects.toThrow(
      `GEOIP_DATABASE: cannot read ${missing} (no such file). Point GEOIP_DATABASE at a MaxMind DB (.mmdb) file, or set GEOIP_DATABASE=off`,
    );
  });

  it('refuses a file that is not a MaxMind database', async () => {
    const garbage = join(DIR, 'garbage.mmdb');
    writeFileSync(garbage, '<html>404 Not Found</html>');

    await expect(TestApp.create({ GEOIP_DATABASE: garbage })).rejects.toThrow(
      `GEOIP_DATABASE: cannot read ${garbage}`,
    );
  });
});

describe('the new-device alert', () => {
  let catcher: MailCatcher;
  let app: TestApp;

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    app = await TestApp.create({ ...catcher.env, TRUST_PROXY: 'loopback', GEOIP_DATABASE: DATABASE });
  });
  afterAll(async () => {
    await app?.close();
    await catcher?.close();
  });

  it('says near which city and country the new device signed in', async () => {
    const grace = await createUser(app, { headers: from(LONDON), userAgent: USER_AGENTS.chromeOnMac });
    await signIn(app, grace, { headers: from(LAGOS), userAgent: USER_AGENTS.firefoxOnWindows });
    await app.get(MailDeliveryJob).run();

    const [alert] = await catcher.waitFor(grace.email, 1, 'New sign-in to your account');

    expect(alert.text).toContain(`Firefox on Windows, from ${LAGOS} (near Lagos, Nigeria), at `);
  });
});
