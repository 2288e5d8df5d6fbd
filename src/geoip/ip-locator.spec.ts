import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';

import { type MmdbNetwork, writeMmdb } from '../../test/support/mmdb-writer.js';
import { GeoIpDatabaseError } from './geoip-database.js';
import { IpLocator } from './ip-locator.js';

// Records in the three layouts the docs name: MaxMind's GeoLite2/GeoIP2 (and
// DB-IP's MaxMind-format files), and ip-location-db's flat city and country ones.
const GEOLITE2_CITY = {
  city: { geoname_id: 2643743, names: { en: 'London', de: 'London' } },
  subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }],
  country: { iso_code: 'GB', names: { en: 'United Kingdom', fr: 'Royaume-Uni' } },
};
const DBIP_FLAT_CITY = { city: 'Lagos', state1: 'Lagos', country_code: 'NG', latitude: 6.45 };
const COUNTRY_ONLY = { country_code: 'DE' };

const NETWORKS: MmdbNetwork[] = [
  { network: '81.2.69.0/24', data: GEOLITE2_CITY },
  { network: '102.88.0.0/16', data: DBIP_FLAT_CITY },
  { network: '2a02:8100::/32', data: COUNTRY_ONLY },
  // Databases do carry rows for private ranges (their publisher's office …): never believed.
  { network: '10.0.0.0/8', data: COUNTRY_ONLY },
  { network: '192.168.0.0/16', data: COUNTRY_ONLY },
  { network: 'fc00::/7', data: COUNTRY_ONLY },
  // A row with no country and no city says nothing.
  { network: '45.0.0.0/8', data: { country_code: 'ZZ' } },
];

describe('IpLocator', () => {
  let dir: string;
  const locators: IpLocator[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'geoip-'));
  });
  afterEach(() => {
    for (const locator of locators.splice(0)) locator.onModuleDestroy();
    rmSync(dir, { recursive: true, force: true });
  });

  function databaseFile(networks: MmdbNetwork[] = NETWORKS, name = 'test.mmdb'): string {
    const path = join(dir, name);
    writeFileSync(path, writeMmdb(networks));
    return path;
  }

  async function open(path: string | null, watchIntervalSeconds = 0): Promise<IpLocator> {
    const locator = await IpLocator.open({ databasePath: path, watchIntervalSeconds });
    locators.push(locator);
    return locator;
  }

  it('places an IPv4 address at its city, region and country (MaxMind layout)', async () => {
    const locator = await open(databaseFile());

    expect(locator.locate('81.2.69.142')).toEqual({
      city: 'London',
      region: 'England',
      country: 'United Kingdom',
      countryCode: 'GB',
    });
  });

  it('names the country from its code when the database carries only the code (ip-location-db layout)', async () => {
    const locator = await open(databaseFile());

    expect(locator.locate('102.88.34.1')).toEqual({
      city: 'Lagos',
      region: 'Lagos',
      country: 'Nigeria',
      countryCode: 'NG',
    });
    expect(locator.locate('2a02:8100:1:2::3')).toEqual({
      city: null,
      region: null,
      country: 'Germany',
      countryCode: 'DE',
    });
  });

  it.each([
    ['private IPv4', '10.1.2.3'],
    ['private IPv4 (home router)', '192.168.1.20'],
    ['IPv4 loopback', '127.0.0.1'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unique local', 'fd12:3456::1'],
    ['IPv6 link local with a zone', 'fe80::1%eth0'],
    ['carrier-grade NAT', '100.64.0.1'],
    ['public but unknown to the database', '8.8.8.8'],
    ['public IPv6 unknown to the database', '2001:4860:4860::8888'],
    ['a row naming no country', '45.1.2.3'],
    ['not an address', 'not an address'],
  ])('gives null for a %s address (%s)', async (_kind, address) => {
    const locator = await open(databaseFile());

    expect(locator.locate(address)).toBeNull();
  });

  it('gives null for every address when GEOIP_DATABASE=off', async () => {
    const locator = await open(null);

    expect(locator.enabled).toBe(false);
    expect(locator.locate('81.2.69.142')).toBeNull();
  });

  it('refuses a missing file, naming it and the way out', async () => {
    const missing = join(dir, 'GeoLite2-City.mmdb');

    const opening = open(missing);

    await expect(opening).rejects.toThrow(GeoIpDatabaseError);
    await expect(opening).rejects.toThrow(
      `GEOIP_DATABASE: cannot read ${missing} (no such file). Point GEOIP_DATABASE at a MaxMind DB (.mmdb) file, or set GEOIP_DATABASE=off`,
    );
  });

  it('refuses a file that is not a MaxMind database', async () => {
    const path = join(dir, 'garbage.mmdb');
    writeFileSync(path, 'not a database at all');

    await expect(open(path)).rejects.toThrow(`GEOIP_DATABASE: cannot read ${path} (`);
  });

  it('reads the default country database installed from npm', async () => {
    const { loadConfig } = await import('../config/app-config.js');
    const locator = await open(loadConfig({}).geoip.databasePath);

    expect(locator.enabled).toBe(true);
    expect(locator.description).toMatch(/geo-whois-asn-country\.mmdb\)$/);
    expect(locator.locate('192.168.1.1')).toBeNull();
  });

  it('replaces the database in memory when a new file is moved over the old one', async () => {
    const path = databaseFile();
    const locator = await open(path, 1);
    expect(locator.locate('81.2.69.142')?.countryCode).toBe('GB');
    // Said in the log (kept out of the test run's output, which stays quiet).
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);

    // The operator's monthly chore: write the new release beside it, rename it over.
    const next = databaseFile([{ network: '81.2.69.0/24', data: { country_code: 'FR' } }], 'next.mmdb');
    renameSync(next, path);

    await eventually(() => expect(locator.locate('81.2.69.142')?.countryCode).toBe('FR'));
    await eventually(() => expect(String(logged.mock.calls.at(-1)?.[0])).toMatch(/^Reloaded: /));
    logged.mockRestore();
  });

  it('keeps the database it has when the new file cannot be read', async () => {
    const path = databaseFile();
    const locator = await open(path, 1);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    writeFileSync(path, 'half a download');
    await eventually(() => expect(logged).toHaveBeenCalled());

    expect(locator.locate('81.2.69.142')?.countryCode).toBe('GB');
    expect(String(logged.mock.calls[0][0])).toContain('Keeping the database already loaded');
    logged.mockRestore();
  });
});

/** Retries `check` until it passes (the file watch polls); the test's own timeout bounds it. */
async function eventually(check: () => void): Promise<void> {
  for (;;) {
    try {
      check();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
