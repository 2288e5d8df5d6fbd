import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { AuthContext } from '../sessions/session.types.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { clientInfoOf } from './client-info.js';
import { SessionCookie } from './session-cookie.js';
import { extractSessionToken } from './session-token.extractor.js';

/**
 * Resolves a request's token into its `AuthContext` at most once per request:
 * the guard and every field resolver that asks share one database round trip.
 * Field resolvers ask here instead of trusting that a guard ran before them.
 * The one writer of `request.user`, so it always agrees with what was proven.
 */
@Injectable()
export class RequestAuthenticator {
  private readonly resolved = new WeakMap<FastifyRequest, Promise<AuthContext | null>>();

  constructor(
    private readonly sessions: SessionsService,
    private readonly cookie: SessionCookie,
  ) {}

  /** `reply` carries a renewed session's cookie; without one the cookie is left as it is. */
  authenticate(request: FastifyRequest, reply?: FastifyReply): Promise<AuthContext | null> {
    let pending = this.resolved.get(request);
    if (!pending) {
      pending = this.resolve(request, reply);
      this.resolved.set(request, pending);
    }
    return pending;
  }

  /**
   * After a sign-in or sign-out the rest of the response speaks for the new
   * state: `signIn { user { activeSessionCount } }` counts the new session.
   */
  replace(request: FastifyRequest, auth: AuthContext | null): void {
    this.resolved.set(request, Promise.resolve(auth));
    request.user = auth ?? undefined;
    if (auth) request.authenticatedUserId = auth.user.id;
  }

  private async resolve(
    request: FastifyRequest,
    reply: FastifyReply | undefined,
  ): Promise<AuthContext | null> {
    const extracted = extractSessionToken(request, this.cookie.namesRead);
    if (!extracted) return null;
    const auth = await this.sessions.authenticate(extracted.token);
    if (!auth) return null;
    request.user = auth;
    request.authenticatedUserId = auth.user.id;
    // Most requests are not due a write; they skip it without a promise or
    // working out the client's address.
    if (!this.sessions.activityDue(auth.session)) return auth;
    // Awaited, so the session this request reads (sessions { expiresAt }) and
    // the cookie below carry the renewed expiry.
    const renewed = await this.sessions.recordActivity(auth.session, clientInfoOf(request));
    // The cookie's Max-Age follows the session. A Bearer client stores its
    // token itself; sending it a cookie it never asked for would be a surprise.
    if (renewed && extracted.source === 'cookie' && reply) {
      this.cookie.set(reply, extracted.token, auth.session.expiresAt);
    }
    return auth;
  }
}
