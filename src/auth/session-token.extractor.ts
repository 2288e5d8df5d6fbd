import type { FastifyRequest } from 'fastify';

import { ConflictingCredentialsError } from '../common/errors.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

interface ExtractedSessionToken {
  readonly token: string;
  /** A renewed session re-sets the cookie only for a token that came in one. */
  readonly source: 'bearer' | 'cookie';
}

/**
 * The token comes from the `Authorization: Bearer` header or the session
 * cookie (`cookieNames`, in order), never from the query string or the body,
 * so it does not end up in logs, browser history or a cross-site form.
 *
 * A request carrying both must carry the same token in both: with two
 * different sessions, `signOut` would end one and leave the other alive with
 * no way to end it from that browser, so the request is refused
 * (BAD_REQUEST) rather than one of them silently chosen.
 */
export function extractSessionToken(
  request: FastifyRequest,
  cookieNames: readonly string[],
): ExtractedSessionToken | null {
  const bearer = BEARER.exec(request.headers.authorization ?? '')?.[1];
  const cookie = cookieToken(request, cookieNames);
  if (bearer && cookie && bearer !== cookie) throw new ConflictingCredentialsError();
  if (bearer) return { token: bearer, source: 'bearer' };
  if (cookie) return { token: cookie, source: 'cookie' };
  return null;
}

function cookieToken(request: FastifyRequest, names: readonly string[]): string | undefined {
  const cookies = (request.cookies ?? {}) as Record<string, unknown>;
  for (const name of names) {
    const value = cookies[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}
