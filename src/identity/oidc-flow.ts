import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IDToken } from 'openid-client';
import * as client from 'openid-client';
import { Authenticator } from 'passport';

import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import { IdentityRefusedError, type ProvenIdentity } from './identity.types.js';
import { IdentityProviders, type KnownProvider } from './identity-providers.js';
import { type OidcAuthenticateOptions, type OidcRequest, OidcStrategy } from './oidc-strategy.js';
import { runStrategy } from './passport-runner.js';
import { type SignInState, StateCookie } from './state-cookie.js';

/** What the callback proved: the identity, and what the start of the flow asked for. */
export interface CompletedFlow {
  readonly proven: ProvenIdentity;
  readonly state: SignInState;
}

/**
 * The redirect dance, through passport: this app's own Authenticator and one
 * strategy instance per provider of this app. The start writes PKCE, state
 * and nonce into a signed cookie; the callback reads it back once, and
 * openid-client checks the code, PKCE, state, issuer, audience, expiry and
 * nonce (and auth_time against max_age on a step-up).
 */
@Injectable()
export class OidcFlow {
  private readonly logger = new Logger(OidcFlow.name);
  // Never passport's default instance (`import passport from 'passport'`),
  // whose strategies are shared by everything in the process.
  private readonly authenticator = new Authenticator();
  private readonly strategies = new Map<string, OidcStrategy>();
  private readonly stateCookie: StateCookie;

  constructor(
    private readonly providers: IdentityProviders,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.stateCookie = new StateCookie(config.oidc.stateCookieSecret, config.isProduction);
  }

  /** The provider's authorization URL; the state cookie is set on `reply`. */
  async start(
    providerId: string,
    reply: FastifyReply,
    flow: Pick<SignInState, 'returnTo' | 'link' | 'reauthenticate'>,
  ): Promise<string> {
    const strategy = this.strategyFor(this.available(providerId));
    const passportRequest: OidcRequest = { method: 'GET', url: '/', session: {} };
    const outcome = await runStrategy(this.authenticator, strategy, passportRequest, {
      reauthenticate: flow.reauthenticate !== null,
    } satisfies OidcAuthenticateOptions);
    if (outcome.kind !== 'redirect') throw this.failed(providerId, outcome);
    this.stateCookie.write(reply, {
      providerId,
      strategyState: passportRequest.session.oidc,
      returnTo: flow.returnTo,
      link: flow.link,
      reauthenticate: flow.reauthenticate,
    });
    return outcome.url;
  }

  /** The identity the callback proves; refused when it does not belong to a flow this browser started. */
  async complete(providerId: string, request: FastifyRequest, reply: FastifyReply): Promise<CompletedFlow> {
    const state = this.stateCookie.take(request, reply);
    const strategy = this.strategyFor(this.available(providerId));
    if (!state || state.providerId !== providerId) throw new IdentityRefusedError('sign_in_failed');
    const query = request.query as Record<string, unknown>;
    if (query.error === 'access_denied') throw new IdentityRefusedError('access_denied');
    const passportRequest: OidcRequest = {
      method: 'GET',
      url: request.url,
      session: { oidc: state.strategyState },
    };
    const outcome = await runStrategy<ProvenIdentity>(this.authenticator, strategy, passportRequest, {});
    if (outcome.kind !== 'success') throw this.failed(providerId, outcome);
    return { proven: outcome.user, state };
  }

  /** The provider, if configured and discovered. */
  private available(
    providerId: string,
  ): KnownProvider & { configuration: NonNullable<KnownProvider['configuration']> } {
    const provider = this.providers.find(providerId);
    if (!provider) throw new IdentityRefusedError('unknown_provider');
    if (!provider.configuration) throw new IdentityRefusedError('provider_unavailable');
    return provider as KnownProvider & { configuration: NonNullable<KnownProvider['configuration']> };
  }

  private strategyFor(provider: ReturnType<OidcFlow['available']>): OidcStrategy {
    const { id } = provider.settings;
    let strategy = this.strategies.get(id);
    if (!strategy) {
      const callbackUrl = `${this.config.oidc.publicApiOrigin}/auth/oidc/${id}/callback`;
      const { configuration } = provider;
      strategy = new OidcStrategy(provider.settings, configuration, callbackUrl, (tokens, done) => {
        // openid-client has validated the ID token by now (signature, iss, aud, exp, nonce).
        const claims = tokens.claims();
        if (!claims) {
          done(null, false, { message: 'no ID token' });
          return;
        }
        emailOf(configuration, tokens.access_token, claims).then(
          ({ email, emailVerified }) => {
            const proven = { providerId: id, subject: claims.sub, email, emailVerified };
            done(null, proven satisfies ProvenIdentity);
          },
          (error: unknown) => {
            done(error);
          },
        );
      });
      this.strategies.set(id, strategy);
    }
    return strategy;
  }

  private failed(providerId: string, outcome: { kind: string; reason?: string; error?: unknown }): Error {
    // Why goes to the log (it names no secret), the browser gets a code only.
    const reason = outcome.kind === 'fail' ? outcome.reason : describe(outcome.error);
    this.logger.warn(`Identity provider "${providerId}" sign-in failed: ${reason}`);
    return new IdentityRefusedError('sign_in_failed');
  }
}

/**
 * The email claim: from the ID token when the provider put it there (Google,
 * Keycloak), else from the UserInfo endpoint, which a strictly conforming
 * provider answers instead; UserInfo's `sub` must match the ID token's.
 */
async function emailOf(
  configuration: client.Configuration,
  accessToken: string,
  claims: IDToken,
): Promise<Pick<ProvenIdentity, 'email' | 'emailVerified'>> {
  if (typeof claims.email === 'string') return { email: claims.email, emailVerified: verifiedOf(claims) };
  if (!configuration.serverMetadata().userinfo_endpoint) return { email: null, emailVerified: null };
  const userInfo = await client.fetchUserInfo(configuration, accessToken, claims.sub);
  if (typeof userInfo.email !== 'string') return { email: null, emailVerified: null };
  return { email: userInfo.email, emailVerified: verifiedOf(userInfo) };
}

/** The `email_verified` claim: `null` when the provider did not send it (some send "true" as a string). */
function verifiedOf(claims: Record<string, unknown>): boolean | null {
  const claim = claims.email_verified;
  if (typeof claim === 'boolean') return claim;
  if (claim === 'true' || claim === 'false') return claim === 'true';
  return null;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
