import { API_URL } from './apollo';

/** The API's origin: provider sign-in is a browser redirect to it, not a GraphQL call. */
const API_ORIGIN = new URL(API_URL).origin;

/** Where a provider's button goes: the API starts the redirect to the provider, and comes back here. */
export function providerSignInUrl(
  providerId: string,
  options: { link?: boolean; reauthenticate?: boolean } = {},
): string {
  const url = new URL(`/auth/oidc/${encodeURIComponent(providerId)}`, API_ORIGIN);
  url.searchParams.set('returnTo', window.location.origin + window.location.pathname);
  if (options.link) url.searchParams.set('link', '1');
  if (options.reauthenticate) url.searchParams.set('reauthenticate', '1');
  return url.href;
}

const REFUSALS: Record<string, string> = {
  account_exists:
    'An account with this email already exists. Sign in with your password, then link the provider from the security page.',
  email_required: 'The provider did not share an email address, which a new account needs.',
  identity_in_use: 'That identity is already linked to another account.',
  identity_mismatch: 'You signed in as someone else at the provider.',
  reauthentication_required:
    'Adding a way to sign in needs a fresh confirmation: confirm your password (or sign in again at your linked provider), then link it within five minutes.',
  email_unverified:
    'The provider did not vouch for that email address, or it is not a valid one. Sign up with the address instead.',
  password_reset_required:
    'This account was locked after "This wasn\'t me". Choose a new password from the emailed link first.',
  not_signed_in: 'Your session has ended. Sign in again.',
  provider_unavailable: 'The provider cannot be reached right now. Try again later.',
  access_denied: 'Sign-in was cancelled at the provider.',
};

/**
 * The outcome of a provider redirect, read once from the address bar (and
 * removed from it, so a reload does not show it again).
 */
export function takeProviderOutcome(): { problem: string | null; linked: string | null } {
  const url = new URL(window.location.href);
  const error = url.searchParams.get('oidc_error');
  const linked = url.searchParams.get('oidc_linked');
  if (!error && !linked) return { problem: null, linked: null };
  for (const key of ['oidc_error', 'oidc_linked', 'oidc_reauthenticated']) url.searchParams.delete(key);
  window.history.replaceState(null, '', url.href);
  return {
    problem: error ? (REFUSALS[error] ?? 'Sign-in with the provider failed. Try again.') : null,
    linked,
  };
}
