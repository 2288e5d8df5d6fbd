import { goTo } from './navigation';
import { SecondFactorStep } from './SecondFactorStep';

/**
 * /two-factor: where the API sends a provider sign-in on a two-factor account.
 * The pending sign-in travels in the API's HttpOnly challenge cookie, never
 * in this page's address or script; a code completes it, then the page goes
 * where the sign-in was headed (`returnTo`, if it is this app).
 */
export function TwoFactorPage() {
  return <SecondFactorStep onSignedIn={() => goTo(returnPath())} onStartOver={() => goTo('/')} />;
}

/** `returnTo` as a path of this app; anything else (another origin) is not followed. */
function returnPath(): string {
  const returnTo = new URLSearchParams(window.location.search).get('returnTo');
  if (!returnTo) return '/';
  try {
    const url = new URL(returnTo, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search + url.hash : '/';
  } catch {
    return '/';
  }
}
