/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's GraphQL endpoint, e.g. http://localhost:3000/graphql. */
  readonly VITE_API_URL?: string;
  /**
   * Whose credit goes under the locations: the database the server reads
   * (GEOIP_DATABASE): `ip-location-db` (the default), `dbip`, `geolite2`, or
   * `none` (GEOIP_DATABASE=off).
   */
  readonly VITE_GEOIP_ATTRIBUTION?: string;
}
