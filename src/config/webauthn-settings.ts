import { IsOptional, IsString, Matches } from 'class-validator';

import { type HttpEnvironmentVariables, publicAppUrlOf } from './http-settings.js';

/** Passkeys (docs/passkeys.md): who the browser thinks it is talking to. */
export interface WebAuthnSettings {
  /**
   * The relying party's id: the registrable domain the passkeys belong to
   * (`example.com` serves `app.example.com` and `www.example.com`). A passkey
   * made for one RP ID never signs in to another.
   */
  readonly rpId: string;
  /** The page origins a ceremony may come from (`https://app.example.com`); any other is refused. */
  readonly origins: readonly string[];
}

// A host name: labels of letters, digits and dashes (no scheme, no port, no path).
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** WEBAUTHN_* variables: one section of the configuration. Both default from PUBLIC_APP_URL. */
export class WebAuthnVariables {
  @IsOptional()
  @Matches(HOST_NAME, {
    message: 'WEBAUTHN_RP_ID must be a host name such as example.com (no scheme, port or path)',
  })
  WEBAUTHN_RP_ID?: string;

  /** Comma-separated origins, e.g. `https://app.example.com,https://www.example.com`. */
  @IsOptional()
  @IsString()
  WEBAUTHN_ORIGINS?: string;
}

/**
 * The settings, or the problems that keep them from making sense together.
 * The defaults come from PUBLIC_APP_URL (required in production, so they
 * always exist there); each origin must be the RP ID or under it, as browsers
 * require.
 */
export function webAuthnSettingsOf(
  variables: WebAuthnVariables,
  http: Pick<HttpEnvironmentVariables, 'PUBLIC_APP_URL'>,
  isProduction: boolean,
): WebAuthnSettings | { problems: string[] } {
  const publicAppUrl = publicAppUrlOf(http, isProduction);
  const appOrigin = publicAppUrl ? new URL(publicAppUrl) : null;
  const rpId = (variables.WEBAUTHN_RP_ID ?? appOrigin?.hostname ?? 'localhost').toLowerCase();
  const given = variables.WEBAUTHN_ORIGINS?.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const problems: string[] = [];
  const origins: string[] = [];
  for (const text of given ?? (appOrigin ? [appOrigin.origin] : [])) {
    const origin = originOf(text);
    if (!origin) problems.push(`WEBAUTHN_ORIGINS: ${JSON.stringify(text)} is not an http(s) origin`);
    else if (!belongsTo(origin.hostname, rpId))
      problems.push(
        `WEBAUTHN_ORIGINS: ${origin.origin} is not on WEBAUTHN_RP_ID ${rpId} (browsers refuse such a ceremony)`,
      );
    else origins.push(origin.origin);
  }
  if (problems.length === 0 && origins.length === 0)
    problems.push('WEBAUTHN_ORIGINS must name at least one origin (or set PUBLIC_APP_URL)');
  return problems.length > 0 ? { problems } : { rpId, origins };
}

function originOf(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

function belongsTo(hostname: string, rpId: string): boolean {
  const host = hostname.toLowerCase();
  return host === rpId || host.endsWith(`.${rpId}`);
}
