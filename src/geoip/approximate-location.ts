/**
 * Where an address appears to be, as far as the configured database says:
 * a guess from a table of networks, never a position. Fields the database
 * does not carry (a country-level one has no city) are null.
 */
export interface ApproximateLocation {
  readonly city: string | null;
  readonly region: string | null;
  readonly country: string | null;
  /** ISO 3166-1 alpha-2, e.g. `GB`. */
  readonly countryCode: string | null;
}

/** The words after "near": "Lagos, Nigeria", or the country alone; null when there is neither. */
export function placeNameOf(location: ApproximateLocation | null | undefined): string | null {
  if (!location?.country) return location?.city ?? null;
  return location.city ? `${location.city}, ${location.country}` : location.country;
}
