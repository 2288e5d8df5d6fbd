import * as client from 'openid-client';
import { type AuthenticateOptions, Strategy, type VerifyFunction } from 'openid-client/passport';

import type { OidcProviderSettings } from '../config/oidc-settings.js';

/** What a passport request carries here: the query string, and the state PKCE/state/nonce live in. */
export interface OidcRequest {
  readonly method: 'GET';
  /** The path and query string the browser asked for. */
  readonly url: string;
  /** The strategy writes its `{ code_verifier, state, nonce, max_age }` here; a signed cookie carries it. */
  readonly session: Record<string, unknown>;
}

/** Per sign-in choices passed to `authenticate()` as options. */
export interface OidcAuthenticateOptions {
  /** Step-up: ask the provider to sign the person in again (`prompt=login`, `max_age=0`). */
  readonly reauthenticate?: boolean;
}

/**
 * openid-client's passport strategy, bound to one provider of one app.
 * openid-client sends `state` and `nonce` only when the provider lacks PKCE;
 * here both are always sent (and so checked on the way back), and the
 * callback URL is PUBLIC_API_URL's, never one built from the Host header.
 */
export class OidcStrategy extends Strategy {
  constructor(
    readonly provider: OidcProviderSettings,
    configuration: client.Configuration,
    callbackURL: string,
    verify: VerifyFunction,
  ) {
    super(
      {
        config: configuration,
        name: `oidc-${provider.id}`,
        sessionKey: 'oidc',
        callbackURL,
        scope: provider.scopes.join(' '),
      },
      verify,
    );
  }

  override authorizationRequestParams<TOptions extends AuthenticateOptions>(
    request: unknown,
    options: TOptions,
  ): URLSearchParams {
    const params = new URLSearchParams({ state: client.randomState(), nonce: client.randomNonce() });
    if ((options as OidcAuthenticateOptions).reauthenticate) {
      params.set('prompt', 'login');
      // Stored with the state by the strategy, so auth_time is checked against it on return.
      params.set('max_age', '0');
    }
    return params;
  }

  override currentUrl(request: Pick<OidcRequest, 'url'>): URL {
    // Only the query string counts: the strategy puts it on callbackURL.
    return new URL(request.url, 'http://callback.invalid');
  }
}
