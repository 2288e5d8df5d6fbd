import { parseCookie } from 'cookie';
import type { FastifyRequest } from 'fastify';

import { ConflictingCredentialsError } from '../common/errors.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export interface ExtractedSessionToken {
  readonly token: string;
  /** A renewed session re-sets the cookie only for a token that came in one. */
  readonly source: 'bearer' | 'cookie';
}

/** The headers a session token is read from, as a request no HTTP adapter parsed has them (a WebSocket upgrade). */
export interface TokenHeaders {
  readonly authorization?: string;
  /** The raw `Cookie` header. */
  readonly cookie?: string;
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
  return chooseToken(request.headers.authorization, request.cookies ?? {}, cookieNames);
}

/**
 * The same rules on plain headers: the WebSocket upgrade reaches the app
 * before Fastify, so its `Cookie` header is parsed here, by the `cookie`
 * package `@fastify/cookie` parses HTTP requests' with.
 */
export function sessionTokenFromHeaders(
  headers: TokenHeaders,
  cookieNames: readonly string[],
): ExtractedSessionToken | null {
  return chooseToken(headers.authorization, parseCookie(headers.cookie ?? ''), cookieNames);
}

function chooseToken(
  authorization: string | undefined,
  cookies: Record<string, unknown>,
  cookieNames: readonly string[],
): ExtractedSessionToken | null {
  const bearer = BEARER.exec(authorization ?? '')?.[1];
  const cookie = cookieNames
    .map((name) => cookies[name])
    .find((value): value is string => typeof value === 'string' && value.length > 0);
  if (bearer && cookie && bearer !== cookie) throw new ConflictingCredentialsError();
  if (bearer) return { token: bearer, source: 'bearer' };
  if (cookie) return { token: cookie, source: 'cookie' };
  return null;
}
