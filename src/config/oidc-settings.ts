import { randomBytes } from 'node:crypto';

import { MailEnvironmentVariables } from './mail-settings.js';

/** One OpenID Connect provider of OIDC_PROVIDERS. */
export interface OidcProviderSettings {
  /** Used in /auth/oidc/<id>: lower-case letters, digits and dashes. */
  readonly id: string;
  /** Shown on the sign-in button and in the device list ("via <name>"). */
  readonly name: string;
  /** The issuer URL; discovery reads `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
  /**
   * Make accounts from this provider's email even when it sends no
   * `email_verified` claim (set only for a provider known to verify every
   * address). An explicit `email_verified: false` is refused whatever this says.
   */
  readonly trustEmailWithoutVerifiedClaim: boolean;
}

export interface OidcSettings {
  readonly providers: readonly OidcProviderSettings[];
  /** PUBLIC_API_URL's origin: callbacks are `<it>/auth/oidc/<id>/callback`. */
  readonly publicApiOrigin: string | null;
  /** Signs the short-lived cookie that carries PKCE, state and nonce across the redirect. */
  readonly stateCookieSecret: string;
  /** Between two discovery attempts of an unreachable provider. */
  readonly discoveryRetryDelayMs: number;
}

const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MIN_SECRET_LENGTH = 32;
const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/**
 * The identity providers' environment variables. OIDC_PROVIDERS is JSON, read
 * by oidcSettingsOf(), which names each bad entry without echoing a secret.
 */
export class OidcEnvironmentVariables extends MailEnvironmentVariables {
  /** `[{ "id", "name", "issuer", "clientId", "clientSecret", "scopes"?, "trustEmailWithoutVerifiedClaim"? }]`. */
  OIDC_PROVIDERS?: string;

  /** At least 32 characters; required in production when providers are configured. */
  OIDC_STATE_SECRET?: string;

  OIDC_DISCOVERY_RETRY_DELAY_MS?: string;
}

/** The settings, or every problem with them (values that may be secret are never quoted). */
export function oidcSettingsOf(
  variables: OidcEnvironmentVariables & { PUBLIC_API_URL?: string },
  isProduction: boolean,
): OidcSettings | { problems: string[] } {
  const problems: string[] = [];
  const providers = parseProviders(variables.OIDC_PROVIDERS, problems);
  // Validated as an http(s) URL by the HTTP settings; its path (if any) is not the callback's.
  const publicApiOrigin = variables.PUBLIC_API_URL ? new URL(variables.PUBLIC_API_URL).origin : null;
  if (providers.length > 0 && publicApiOrigin === null) {
    problems.push('PUBLIC_API_URL is required when OIDC_PROVIDERS is set (it builds the callback URLs)');
  }
  const secret = variables.OIDC_STATE_SECRET;
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    problems.push(`OIDC_STATE_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (secret === undefined && isProduction && providers.length > 0) {
    problems.push('OIDC_STATE_SECRET is required when NODE_ENV=production and OIDC_PROVIDERS is set');
  }
  const delay = Number(variables.OIDC_DISCOVERY_RETRY_DELAY_MS ?? 5_000);
  if (!Number.isInteger(delay) || delay < 1) {
    problems.push('OIDC_DISCOVERY_RETRY_DELAY_MS must be a positive whole number of milliseconds');
  }
  if (problems.length > 0) return { problems };
  return {
    providers,
    publicApiOrigin,
    // Outside production a per-process secret: safe (never guessable), and a
    // restart only costs a sign-in in progress.
    stateCookieSecret: secret ?? randomBytes(32).toString('base64url'),
    discoveryRetryDelayMs: delay,
  };
}

function parseProviders(json: string | undefined, problems: string[]): OidcProviderSettings[] {
  if (json === undefined) return [];
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    problems.push('OIDC_PROVIDERS must be a JSON array of providers');
    return [];
  }
  if (!Array.isArray(list)) {
    problems.push('OIDC_PROVIDERS must be a JSON array of providers');
    return [];
  }
  const providers: OidcProviderSettings[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, index) => {
    const found = providerOf(entry, `OIDC_PROVIDERS[${index}]`);
    if (typeof found === 'string') return problems.push(found);
    if (seen.has(found.id)) return problems.push(`OIDC_PROVIDERS[${index}]: id "${found.id}" is used twice`);
    seen.add(found.id);
    providers.push(found);
  });
  return providers;
}

/** The provider, or the one problem that names the entry (and never quotes its secret). */
function providerOf(entry: unknown, label: string): OidcProviderSettings | string {
  if (typeof entry !== 'object' || entry === null) return `${label} must be an object`;
  const { id, name, issuer, clientId, clientSecret, scopes, trustEmailWithoutVerifiedClaim } =
    entry as Record<string, unknown>;
  const named = typeof id === 'string' ? `${label} ("${id}")` : label;
  if (typeof id !== 'string' || !PROVIDER_ID.test(id)) {
    return `${named}: id must be lower-case letters, digits and dashes (at most 63)`;
  }
  if (typeof name !== 'string' || name.trim() === '') return `${named}: name must be a non-empty string`;
  if (typeof issuer !== 'string' || !isHttpsOrLocalUrl(issuer)) {
    return `${named}: issuer must be an https URL (http only for localhost)`;
  }
  if (typeof clientId !== 'string' || clientId === '') return `${named}: clientId must be a non-empty string`;
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    return `${named}: clientSecret must be a non-empty string`;
  }
  if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))) {
    return `${named}: scopes must be an array of strings`;
  }
  const scopeList = scopes ?? DEFAULT_SCOPES;
  if (!scopeList.includes('openid')) return `${named}: scopes must include "openid"`;
  const trust = trustEmailWithoutVerifiedClaim ?? false;
  if (typeof trust !== 'boolean') return `${named}: trustEmailWithoutVerifiedClaim must be true or false`;
  return {
    id,
    name: name.trim(),
    issuer,
    clientId,
    clientSecret,
    scopes: scopeList,
    trustEmailWithoutVerifiedClaim: trust,
  };
}

function isHttpsOrLocalUrl(value: string): boolean {
  try {
    const url = new URL(value);
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
    return url.protocol === 'https:' || (url.protocol === 'http:' && local);
  } catch {
    return false;
  }
}
