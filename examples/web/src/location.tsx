/** "near Lagos, Nigeria", "near Germany"; null when the server has no location for the address. */
export function nearby(
  location: { city?: string | null; country?: string | null } | null | undefined,
): string | null {
  const place = [location?.city, location?.country].filter(Boolean).join(', ');
  return place ? `near ${place}` : null;
}

// What each database's licence asks of a page that shows its results. The
// server says which file it reads (GEOIP_DATABASE); the page is told by
// VITE_GEOIP_ATTRIBUTION, and shows the default database's without it.
const ATTRIBUTIONS = {
  // @ip-location-db/geo-whois-asn-country-mmdb: built from the RIRs' data, CC BY 4.0 by the NRO.
  'ip-location-db': {
    text: 'Approximate locations from ip-location-db, with data by the NRO (CC BY 4.0)',
    href: 'https://github.com/sapics/ip-location-db',
  },
  // DB-IP's lite databases (CC BY 4.0) ask for a link where results are shown.
  dbip: { text: 'IP Geolocation by DB-IP', href: 'https://db-ip.com' },
  // GeoLite2's end-user licence asks for this notice.
  geolite2: {
    text: 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com',
    href: 'https://www.maxmind.com',
  },
} as const;

type AttributionName = keyof typeof ATTRIBUTIONS;
const configured = import.meta.env.VITE_GEOIP_ATTRIBUTION;
const attribution =
  configured === 'none'
    ? null
    : ATTRIBUTIONS[
        configured && configured in ATTRIBUTIONS ? (configured as AttributionName) : 'ip-location-db'
      ];

/** The database's credit, under a list that shows locations from it. */
export function LocationAttribution() {
  if (!attribution) return null;
  return (
    <p className="muted attribution" data-testid="location-attribution">
      <a href={attribution.href} target="_blank" rel="noreferrer">
        {attribution.text}
      </a>
    </p>
  );
}
