import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';

import { IsOptional, Matches } from 'class-validator';

import { DurationInSecondsOrOff } from './env-values.js';

/**
 * The database used when GEOIP_DATABASE is not set: country level, from npm,
 * so a fresh clone shows a country with no download and no account
 * (docs/geolocation.md: its licence, and how to use a city database instead).
 */
export const DEFAULT_GEOIP_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';
const DEFAULT_GEOIP_FILE = `${DEFAULT_GEOIP_PACKAGE}/geo-whois-asn-country.mmdb`;

/** Approximate location of client addresses (docs/geolocation.md). */
export interface GeoIpSettings {
  /** The .mmdb file read at start (absolute); null: GEOIP_DATABASE=off, no location anywhere. */
  readonly databasePath: string | null;
  /**
   * How often the file is checked for a new version, which then replaces the
   * one in memory without a restart; 0: never. (SIGHUP is not used: it stops
   * the process, see main.ts.)
   */
  readonly watchIntervalSeconds: number;
}

/** GEOIP_* variables: one section of the configuration. */
export class GeoIpEnvironmentVariables {
  @IsOptional()
  @Matches(/^(off|.+\.mmdb)$/i, {
    message: 'GEOIP_DATABASE must be off or the path of an .mmdb file (MaxMind DB format, not gzipped)',
  })
  GEOIP_DATABASE?: string;

  @DurationInSecondsOrOff('GEOIP_WATCH_INTERVAL_SECONDS')
  GEOIP_WATCH_INTERVAL_SECONDS = 60;
}

export function geoIpSettingsOf(variables: GeoIpEnvironmentVariables): GeoIpSettings {
  const setting = variables.GEOIP_DATABASE;
  return {
    databasePath:
      setting === undefined
        ? defaultDatabasePath()
        : setting.toLowerCase() === 'off'
          ? null
          : isAbsolute(setting)
            ? setting
            : resolve(setting),
    watchIntervalSeconds: variables.GEOIP_WATCH_INTERVAL_SECONDS,
  };
}

/**
 * Where npm put the default database. Without the package (an install that
 * left it out) this is a path that does not exist, and the start refuses with
 * it named rather than running without locations unannounced.
 */
function defaultDatabasePath(): string {
  try {
    return createRequire(import.meta.url).resolve(DEFAULT_GEOIP_FILE);
  } catch {
    return resolve('node_modules', DEFAULT_GEOIP_FILE);
  }
}
