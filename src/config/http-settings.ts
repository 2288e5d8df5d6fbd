import { Transform } from 'class-transformer';
import { ValidateBy, ValidateIf } from 'class-validator';

import { DurationInSeconds, isHttpUrl, isOrigin, PositiveInteger, toList } from './env-values.js';

/** examples/web's Vite dev server: where links point on a developer's machine by default. */
const EXAMPLE_CLIENT_DEV_URL = 'http://localhost:5173';

/** The HTTP server's environment variables: its public address and its limits on slow clients. */
export class HttpEnvironmentVariables {
  /** Comma-separated origins allowed to call the API from a browser, with cookies. */
  @Transform(toList)
  @ValidateBy(
    { name: 'isOrigin', validator: { validate: isOrigin } },
    { each: true, message: 'CORS_ORIGINS must be comma-separated origins such as https://app.example.com' },
  )
  CORS_ORIGINS: string[] = [];

  /** The largest request body read; larger ones get 413 before parsing. */
  @PositiveInteger('REQUEST_BODY_LIMIT_BYTES', ' number of bytes')
  REQUEST_BODY_LIMIT_BYTES = 16 * 1024;

  /** The origin browsers reach this API at (https://api.example.com); checked against Origin (and Host outside production). */
  @ValidateIf((env: HttpEnvironmentVariables) => env.PUBLIC_API_URL !== undefined)
  @ValidateBy(
    { name: 'isHttpUrl', validator: { validate: isHttpUrl } },
    { message: 'PUBLIC_API_URL must be an http(s) URL such as https://api.example.com' },
  )
  PUBLIC_API_URL?: string;

  /** Where the web app lives (https://app.example.com): emailed links and sign-in redirects point there. */
  @ValidateIf((env: HttpEnvironmentVariables) => env.PUBLIC_APP_URL !== undefined)
  @ValidateBy(
    { name: 'isHttpUrl', validator: { validate: isHttpUrl } },
    { message: 'PUBLIC_APP_URL must be an http(s) URL such as https://app.example.com' },
  )
  PUBLIC_APP_URL?: string;

  /** A client must have sent its request's headers within this time, or gets 408 and the connection closes. */
  @DurationInSeconds('HTTP_HEADERS_TIMEOUT_SECONDS')
  HTTP_HEADERS_TIMEOUT_SECONDS = 10;

  /** … and the whole request, body included (a body trickled a byte at a time is cut here). */
  @DurationInSeconds('HTTP_REQUEST_TIMEOUT_SECONDS')
  HTTP_REQUEST_TIMEOUT_SECONDS = 15;

  /** An idle keep-alive connection is closed after this; longer than a load balancer's usual 60 s, so it closes first. */
  @DurationInSeconds('HTTP_KEEP_ALIVE_TIMEOUT_SECONDS')
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS = 72;

  /** Open connections (WebSockets included) beyond which new ones are closed at once. */
  @PositiveInteger('HTTP_MAX_CONNECTIONS', '')
  HTTP_MAX_CONNECTIONS = 16_384;
}

export interface HttpSettings {
  /** Browser origins allowed besides this service's own; empty: CORS stays closed. */
  readonly corsOrigins: readonly string[];
  /** Request bodies over this many bytes are refused (413) before they are parsed. */
  readonly requestBodyLimitBytes: number;
  /** PUBLIC_API_URL's origin, when set: the one origin that counts as this service's own. */
  readonly publicApiOrigin: string | null;
  /**
   * PUBLIC_APP_URL without a trailing slash; outside production the example
   * client's development address when unset. Production refuses to start
   * without it, so null reaches no running app (the type keeps callers honest).
   */
  readonly publicAppUrl: string | null;
  /** Slow-client limits of the HTTP server (src/http/http-adapter.ts). */
  readonly httpHeadersTimeoutSeconds: number;
  readonly httpRequestTimeoutSeconds: number;
  readonly httpKeepAliveTimeoutSeconds: number;
  readonly httpMaxConnections: number;
}

/** The settings, or the problems that keep them from making sense together. */
export function httpSettingsOf(
  variables: HttpEnvironmentVariables,
  isProduction: boolean,
): HttpSettings | { problems: string[] } {
  const problems: string[] = [];
  // Node refuses a server whose headers may take longer than the whole request.
  if (variables.HTTP_HEADERS_TIMEOUT_SECONDS > variables.HTTP_REQUEST_TIMEOUT_SECONDS) {
    problems.push(
      `HTTP_HEADERS_TIMEOUT_SECONDS (${variables.HTTP_HEADERS_TIMEOUT_SECONDS}) must not exceed HTTP_REQUEST_TIMEOUT_SECONDS (${variables.HTTP_REQUEST_TIMEOUT_SECONDS})`,
    );
  }
  // Production always mails (SMTP_URL is required there), and every mail links to the app.
  if (isProduction && variables.PUBLIC_APP_URL === undefined) {
    problems.push(
      'PUBLIC_APP_URL is required in production: emailed links and sign-in redirects point there',
    );
  }
  if (problems.length > 0) return { problems };
  return {
    corsOrigins: variables.CORS_ORIGINS.map((origin) => new URL(origin).origin),
    requestBodyLimitBytes: variables.REQUEST_BODY_LIMIT_BYTES,
    publicApiOrigin: variables.PUBLIC_API_URL === undefined ? null : new URL(variables.PUBLIC_API_URL).origin,
    publicAppUrl: publicAppUrlOf(variables, isProduction),
    httpHeadersTimeoutSeconds: variables.HTTP_HEADERS_TIMEOUT_SECONDS,
    httpRequestTimeoutSeconds: variables.HTTP_REQUEST_TIMEOUT_SECONDS,
    httpKeepAliveTimeoutSeconds: variables.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS,
    httpMaxConnections: variables.HTTP_MAX_CONNECTIONS,
  };
}

/** PUBLIC_APP_URL without a trailing slash; outside production, the example client's address when unset. */
export function publicAppUrlOf(
  variables: Pick<HttpEnvironmentVariables, 'PUBLIC_APP_URL'>,
  isProduction: boolean,
): string | null {
  return (
    (variables.PUBLIC_APP_URL ?? (isProduction ? null : EXAMPLE_CLIENT_DEV_URL))?.replace(/\/+$/, '') ?? null
  );
}
