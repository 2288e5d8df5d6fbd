import type { Request } from 'express';
import { SESSION_COOKIE_NAMES } from './session-cookie.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The token comes from the `Authorization: Bearer` header or the session
 * cookie, never from the query string or the body, so it does not end up in
 * logs, browser history or a cross-site form. The header wins: a client that
 * sends one has chosen it explicitly.
 */
export function extractSessionToken(request: Request): string | null {
  const bearer = BEARER.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1];
  const cookies = (request.cookies ?? {}) as Record<string, unknown>;
  for (const name of SESSION_COOKIE_NAMES) {
    const value = cookies[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return null;
}
