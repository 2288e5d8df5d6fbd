/**
 * Where the browser may be sent after a sign-in: `returnTo` when it is an
 * absolute http(s) URL on an allowed origin (PUBLIC_APP_URL's, CORS_ORIGINS),
 * else PUBLIC_APP_URL. Never anywhere else: an open redirect here would hand
 * a phishing page this server's good name.
 */
export function allowedReturnTo(
  returnTo: unknown,
  publicAppUrl: string,
  allowedOrigins: readonly string[],
): string {
  if (typeof returnTo !== 'string' || returnTo === '') return publicAppUrl;
  let url: URL;
  try {
    url = new URL(returnTo);
  } catch {
    return publicAppUrl;
  }
  const origins = new Set([new URL(publicAppUrl).origin, ...allowedOrigins.map((o) => new URL(o).origin)]);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !origins.has(url.origin))
    return publicAppUrl;
  return url.href;
}

/** `target` with `?<key>=<value>` added, e.g. the error code of a refused sign-in. */
export function withParameter(target: string, key: string, value: string): string {
  const url = new URL(target);
  url.searchParams.set(key, value);
  return url.href;
}
