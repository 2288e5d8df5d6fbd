import type { TestApp } from './test-app.js';

/** A person at the test provider: the subject typed into its login form, and an email. */
export interface ProviderPerson {
  readonly subject: string;
  readonly email?: string;
}

/** The cookies a browser holds, per origin (paths ignored: every test path is under one). */
export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  header(url: string): string {
    const cookies = this.byOrigin.get(new URL(url).origin) ?? new Map<string, string>();
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(url: string, name: string): string | undefined {
    return this.byOrigin.get(new URL(url).origin)?.get(name);
  }

  set(url: string, name: string, value: string): void {
    const origin = new URL(url).origin;
    if (!this.byOrigin.has(origin)) this.byOrigin.set(origin, new Map());
    this.byOrigin.get(origin)!.set(name, value);
  }

  store(url: string, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      const cleared = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (cleared) this.byOrigin.get(new URL(url).origin)?.delete(name.trim());
      else this.set(url, name.trim(), value);
    }
  }
}

/** One GET or POST as a browser makes it: its cookies sent and kept, redirects not followed. */
export async function browse(jar: CookieJar, url: string, form?: Record<string, string>): Promise<Response> {
  const headers: Record<string, string> = { cookie: jar.header(url) };
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    headers,
    body: form ? new URLSearchParams(form).toString() : undefined,
    redirect: 'manual',
  });
  jar.store(url, response);
  return response;
}

function locationOf(response: Response, base: string): string {
  const location = response.headers.get('location');
  if (!location) throw new Error(`Expected a redirect from ${base}, got ${response.status}`);
  return new URL(location, base).href;
}

/**
 * Starts a sign-in at the app and signs `person` in at the provider's login
 * form; stops where the provider sends the browser back, and returns that
 * callback URL (not yet visited), or the app's own refusal when it never
 * reached the provider.
 */
export async function signInAtProvider(
  app: TestApp,
  providerId: string,
  person: ProviderPerson,
  jar: CookieJar,
  query = '',
): Promise<{ callbackUrl: string } | { refusedWith: string }> {
  const start = `${app.url}/auth/oidc/${providerId}${query}`;
  let url = locationOf(await browse(jar, start), start);
  if (new URL(url).searchParams.has('oidc_error')) return { refusedWith: url };
  // Through the provider until it shows its login form, then the form, then back out.
  let response = await browse(jar, url);
  while (response.status >= 300 && response.status < 400) {
    url = locationOf(response, url);
    response = await browse(jar, url);
  }
  response = await browse(jar, url, { login: person.subject, email: person.email ?? '' });
  url = locationOf(response, url);
  while (new URL(url).origin !== new URL(app.url).origin) url = locationOf(await browse(jar, url), url);
  return { callbackUrl: url };
}

/** Visits the callback; where the app sends the browser, and the session cookie it set (if any). */
export async function visitCallback(
  jar: CookieJar,
  callbackUrl: string,
): Promise<{ location: string; sessionToken: string | undefined }> {
  const before = jar.get(callbackUrl, 'session');
  const response = await browse(jar, callbackUrl);
  const after = jar.get(callbackUrl, 'session');
  return { location: locationOf(response, callbackUrl), sessionToken: after !== before ? after : undefined };
}

/** A whole sign-in; `error` is the app's `oidc_error` code when it refused. */
export async function signInThroughProvider(
  app: TestApp,
  providerId: string,
  person: ProviderPerson,
  jar = new CookieJar(),
  query = '',
): Promise<{ location: string; sessionToken: string | undefined; error: string | null; jar: CookieJar }> {
  const reached = await signInAtProvider(app, providerId, person, jar, query);
  if ('refusedWith' in reached) {
    const location = reached.refusedWith;
    return {
      location,
      sessionToken: undefined,
      error: new URL(location).searchParams.get('oidc_error'),
      jar,
    };
  }
  const { location, sessionToken } = await visitCallback(jar, reached.callbackUrl);
  return { location, sessionToken, error: new URL(location).searchParams.get('oidc_error'), jar };
}
