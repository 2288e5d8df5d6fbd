import { Controller, Get, Logger, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ChallengeCookie } from '../auth/challenge-cookie.js';
import { clientInfoOf } from '../auth/client-info.js';
import { RequestAuthenticator } from '../auth/request-authenticator.js';
import { SessionCookie } from '../auth/session-cookie.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { IdentityRefusedError } from './identity.types.js';
import { IdentitySignInService } from './identity-sign-in.service.js';
import { OidcFlow } from './oidc-flow.js';
import { allowedReturnTo, withParameter } from './return-to.js';
import type { SessionRef } from './state-cookie.js';

/**
 * GET /auth/oidc/<id> and its callback: browser redirects, not GraphQL. Every
 * outcome is a redirect to the app; a refusal carries `?oidc_error=<code>`,
 * never a stack trace or the provider's words.
 */
@Controller('auth/oidc')
export class IdentityController {
  private readonly logger = new Logger(IdentityController.name);
  private readonly appUrl: string;

  constructor(
    private readonly flow: OidcFlow,
    private readonly identities: IdentitySignInService,
    private readonly authenticator: RequestAuthenticator,
    private readonly sessionCookie: SessionCookie,
    private readonly challengeCookie: ChallengeCookie,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    // Checked at start: OIDC_PROVIDERS needs PUBLIC_APP_URL (and outside production it has a default).
    this.appUrl = config.publicAppUrl ?? 'http://localhost';
  }

  @Get(':id')
  async start(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const returnTo = allowedReturnTo(query.returnTo, this.appUrl, this.config.corsOrigins);
    try {
      const link = query.link === '1' ? await this.linkingSession(request) : null;
      const reauthenticate = query.reauthenticate === '1' ? await this.signedInSession(request) : null;
      const url = await this.flow.start(id, reply, { returnTo, link, reauthenticate });
      return void reply.redirect(url, 302);
    } catch (error) {
      return this.refuse(reply, returnTo, error);
    }
  }

  @Get(':id/callback')
  async callback(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    let returnTo = this.appUrl;
    try {
      const { proven, state } = await this.flow.complete(id, request, reply);
      returnTo = state.returnTo;
      const client = clientInfoOf(request);
      await this.requireStartingBrowser(request, state.link ?? state.reauthenticate);
      if (state.link) {
        // The proof is checked again, in the link's transaction: minutes may have passed at the provider.
        await this.identities.link(state.link.userId, state.link.sessionId, proven, client);
        return void reply.redirect(withParameter(returnTo, 'oidc_linked', id), 302);
      }
      if (state.reauthenticate) {
        const { userId, sessionId } = state.reauthenticate;
        await this.identities.reauthenticate(userId, sessionId, proven, client);
        return void reply.redirect(withParameter(returnTo, 'oidc_reauthenticated', id), 302);
      }
      const { entry } = await this.identities.signIn(proven, client);
      if (entry.kind === 'second-factor-required') {
        // No session yet: the app's /two-factor page completes it with the challenge cookie.
        this.challengeCookie.set(reply, entry.pending);
        const page = withParameter(`${this.appUrl}/two-factor`, 'returnTo', returnTo);
        return void reply.redirect(page, 302);
      }
      const { token, session } = entry.issued;
      this.sessionCookie.set(reply, token, session.expiresAt);
      return void reply.redirect(returnTo, 302);
    } catch (error) {
      return this.refuse(reply, returnTo, error);
    }
  }

  /** The signed-in session that asks to link, if it gave a fresh proof of identity for it. */
  private async linkingSession(request: FastifyRequest): Promise<SessionRef> {
    const session = await this.signedInSession(request);
    await this.identities.requireLinkProof(session.userId, session.sessionId);
    return session;
  }

  /**
   * A link or step-up finishes only in the browser that started it: the one
   * still signed in with the session named in the state. A state planted in
   * another browser (a victim's) would otherwise attach the victim's identity
   * to the planter's account.
   */
  private async requireStartingBrowser(request: FastifyRequest, started: SessionRef | null): Promise<void> {
    if (!started) return;
    const auth = await this.authenticator.authenticate(request);
    if (auth?.session.id !== started.sessionId) throw new IdentityRefusedError('sign_in_failed');
  }

  private async signedInSession(request: FastifyRequest): Promise<SessionRef> {
    const auth = await this.authenticator.authenticate(request);
    if (!auth) throw new IdentityRefusedError('not_signed_in');
    return { userId: auth.user.id, sessionId: auth.session.id };
  }

  private refuse(reply: FastifyReply, returnTo: string, error: unknown): void {
    if (!(error instanceof IdentityRefusedError)) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    const code = error instanceof IdentityRefusedError ? error.code : 'sign_in_failed';
    void reply.redirect(withParameter(returnTo, 'oidc_error', code), 302);
  }
}
