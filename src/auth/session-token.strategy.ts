import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import type { AuthContext } from '../sessions/sessions.service.js';
import { RequestAuthenticator } from './request-authenticator.js';

export const SESSION_TOKEN_STRATEGY = 'session-token';

/** Passport strategy: a request is authenticated by a live session token. */
@Injectable()
export class SessionTokenStrategy extends PassportStrategy(Strategy, SESSION_TOKEN_STRATEGY) {
  constructor(private readonly authenticator: RequestAuthenticator) {
    super();
  }

  validate(request: Request): Promise<AuthContext | null> {
    return this.authenticator.authenticate(request);
  }
}
