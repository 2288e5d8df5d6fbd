/**
 * The decision of the cross-site refusal, on headers alone, so that every
 * entry point applies the same rule whatever the HTTP adapter: the request
 * is cross-site when its `Origin` is neither this service (same host) nor one
 * of CORS_ORIGINS, or, for a browser that sent no Origin, when
 * `Sec-Fetch-Site` says cross-site. Clients that are not browsers send
 * neither header and pass.
 */
export interface CrossSiteHeaders {
  readonly origin?: string;
  readonly 'sec-fetch-site'?: string;
  readonly host?: string;
}

export function isCrossSite(headers: CrossSiteHeaders, allowedOrigins: ReadonlySet<string>): boolean {
  const { origin } = headers;
  if (origin === undefined) return headers['sec-fetch-site'] === 'cross-site';
  return !isOwnOrigin(origin, headers.host) && !allowedOrigins.has(origin);
}

/**
 * Hosts are compared, not schemes: behind a proxy that terminates TLS the
 * request arrives over http while the page's origin is https.
 */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
}
