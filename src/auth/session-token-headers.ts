import { ConflictingCredentialsError } from '../common/errors.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The headers a session token is read from, as any transport has them. */
export interface TokenHeaders {
  readonly authorization?: string;
  /** The raw `Cookie` header. */
  readonly cookie?: string;
}

/**
 * The rules of session-token.extractor.ts on plain headers, for requests no
 * HTTP adapter parsed (a WebSocket upgrade): the bearer token, else the first
 * session cookie in `cookieNames`; both present and different is refused
 * (BAD_REQUEST), never one silently chosen.
 */
export function sessionTokenFromHeaders(
  headers: TokenHeaders,
  cookieNames: readonly string[],
): { token: string; source: 'bearer' | 'cookie' } | null {
  const bearer = BEARER.exec(headers.authorization ?? '')?.[1];
  const cookies = parseCookieHeader(headers.cookie ?? '');
  const cookie = cookieNames.map((name) => cookies.get(name)).find((value) => value);
  if (bearer && cookie && bearer !== cookie) throw new ConflictingCredentialsError();
  if (bearer) return { token: bearer, source: 'bearer' };
  if (cookie) return { token: cookie, source: 'cookie' };
  return null;
}

/** `a=1; b=2` → name → value; the first of a repeated name wins, as cookie-parser does. */
export function parseCookieHeader(header: string): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    const name = pair.slice(0, separator).trim();
    if (!name || cookies.has(name)) continue;
    let value = pair.slice(separator + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value); // not percent-encoded after all: taken as written, as cookie-parser does
    }
  }
  return cookies;
}
