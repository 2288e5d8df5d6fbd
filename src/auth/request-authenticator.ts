import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { type AuthContext, SessionsService } from '../sessions/sessions.service.js';
import { extractSessionToken } from './session-token.extractor.js';

/**
 * Resolves a request's token into its `AuthContext` at most once per request:
 * the guard and every field resolver that asks share one database round trip.
 * Field resolvers ask here instead of trusting that a guard ran before them.
 */
@Injectable()
export class RequestAuthenticator {
  private readonly resolved = new WeakMap<Request, Promise<AuthContext | null>>();

  constructor(private readonly sessions: SessionsService) {}

  authenticate(request: Request): Promise<AuthContext | null> {
    let pending = this.resolved.get(request);
    if (!pending) {
      const token = extractSessionToken(request);
      pending = token ? this.sessions.authenticate(token) : Promise.resolve(null);
      this.resolved.set(request, pending);
    }
    return pending;
  }

  /**
   * After a sign-in or sign-out the rest of the response speaks for the new
   * state: `signIn { user { activeSessionCount } }` counts the new session.
   */
  replace(request: Request, auth: AuthContext | null): void {
    this.resolved.set(request, Promise.resolve(auth));
    request.user = auth ?? undefined;
  }
}
