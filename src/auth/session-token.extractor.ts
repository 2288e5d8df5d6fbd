import type { Request } from 'express';

import { SESSION_COOKIE_NAMES } from './session-cookie.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

interface ExtractedSessionToken {
  readonly token: string;
  /** A renewed session re-sets the cookie only for a token that came in one. */
  readonly source: 'bearer' | 'cookie';
}

/**
 * The token comes from the `Authorization: Bearer` header or the session
 * cookie, never from the query string or the body, so it does not end up in
 * logs, browser history or a cross-site form. The header wins: a client that
 * sends one has chosen it explicitly.
 */
export function extractSessionToken(request: Request): ExtractedSessionToken | null {
  const bearer = BEARER.exec(request.headers.authorization ?? '');
  if (bearer) return { token: bearer[1], source: 'bearer' };
  const cookies = (request.cookies ?? {}) as Record<string, unknown>;
  for (const name of SESSION_COOKIE_NAMES) {
    const value = cookies[name];
    if (typeof value === 'string' && value.length > 0) return { token: value, source: 'cookie' };
  }
  return null;
}
