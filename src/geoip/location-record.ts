import type { ApproximateLocation } from './approximate-location.js';

// Country names from ICU, in English as the rest of the API speaks: a
// country-level database (ip-location-db's) carries only the code.
const COUNTRY_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
const COUNTRY_CODE = /^[A-Z]{2}$/;
// "Unknown or unspecified country" (ISO 3166 user-assigned): no country at all.
const UNKNOWN_COUNTRY = 'ZZ';

interface Named {
  readonly names?: { readonly en?: unknown };
}

/** A record in MaxMind's GeoIP2/GeoLite2 layout, which DB-IP's MaxMind-format files share. */
interface MaxMindRecord {
  readonly city?: Named;
  readonly subdivisions?: readonly Named[];
  readonly country?: Named & { readonly iso_code?: unknown };
  readonly registered_country?: Named & { readonly iso_code?: unknown };
}

/** A record in ip-location-db's flat layout (`country_code`, and `city`, `state1` in its city files). */
interface FlatRecord {
  readonly country_code?: unknown;
  readonly city?: unknown;
  readonly state1?: unknown;
}

/**
 * The location a database record describes, in either layout the supported
 * databases use; null when it names no country and no city.
 */
export function locationOfRecord(record: unknown): ApproximateLocation | null {
  if (typeof record !== 'object' || record === null) return null;
  const location =
    'country_code' in record || typeof (record as FlatRecord).city === 'string'
      ? fromFlat(record)
      : fromMaxMind(record);
  return location.countryCode || location.city ? location : null;
}

function fromMaxMind(record: MaxMindRecord): ApproximateLocation {
  // The country of the network's registration stands in when the database has no better guess.
  const country = record.country ?? record.registered_country;
  const countryCode = codeOf(country?.iso_code);
  return {
    city: text(record.city?.names?.en),
    region: text(record.subdivisions?.[0]?.names?.en),
    country: text(country?.names?.en) ?? nameOf(countryCode),
    countryCode,
  };
}

function fromFlat(record: FlatRecord): ApproximateLocation {
  const countryCode = codeOf(record.country_code);
  return {
    city: text(record.city),
    region: text(record.state1),
    country: nameOf(countryCode),
    countryCode,
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function codeOf(value: unknown): string | null {
  const code = typeof value === 'string' ? value.toUpperCase() : '';
  return COUNTRY_CODE.test(code) && code !== UNKNOWN_COUNTRY ? code : null;
}

function nameOf(code: string | null): string | null {
  return code ? (COUNTRY_NAMES.of(code) ?? null) : null;
}
