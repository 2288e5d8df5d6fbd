import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { showSignedOut } from './apollo';
import { DoubleCheckButton } from './DoubleCheckButton';
import { describeError } from './errors';
import type { AccountFieldsFragment, SessionFieldsFragment } from './gql/graphql';
import { providerSignInUrl } from './identity-providers';
import { LocationAttribution, nearby } from './location';
import { REVOKE_SESSION, SIGN_OUT, SIGN_OUT_OTHER_SESSIONS } from './operations';
import { describeFactors } from './second-factor';
import { needsProviderStepUp } from './step-up';

export function SecurityPage({ account }: { account: AccountFieldsFragment }) {
  const [problem, setProblem] = useState<string | null>(null);
  // An account without a password confirms who it is at its provider, then tries again.
  const [confirmAtProvider, setConfirmAtProvider] = useState(false);
  const provider = account.sessions.find((session) => session.current)?.identityProvider ?? null;
  // Both payloads carry the account with its new count and sessions; the cache
  // merges them into User:<id>, and this component re-renders from there.
  const [signOutOthers, signingOutOthers] = useMutation(SIGN_OUT_OTHER_SESSIONS);
  const [revokeSession, revoking] = useMutation(REVOKE_SESSION);
  const [signOut, signingOut] = useMutation(SIGN_OUT, { update: (cache) => showSignedOut(cache) });
  const others = account.activeSessionCount - 1;

  async function run(action: () => Promise<unknown>) {
    setProblem(null);
    setConfirmAtProvider(false);
    try {
      await action();
    } catch (error) {
      setProblem(describeError(error));
      setConfirmAtProvider(needsProviderStepUp(error));
    }
  }

  return (
    <>
      <section className="card">
        <div className="row">
          <p>
            Signed in as <strong>{account.email}</strong>{' '}
            <span data-testid="email-verified" className="muted">
              {account.emailVerified
                ? '(address verified)'
                : '(address not verified yet: see the link we emailed)'}
            </span>
          </p>
          <button type="button" disabled={signingOut.loading} onClick={() => void run(() => signOut())}>
            Sign out
          </button>
        </div>
        <h2 data-testid="device-count">
          Signed in on {account.activeSessionCount} {account.activeSessionCount === 1 ? 'device' : 'devices'}
        </h2>
        {others > 0 ? (
          <DoubleCheckButton
            disabled={signingOutOthers.loading}
            onConfirm={() => void run(() => signOutOthers())}
          >
            Sign out of {others} other {others === 1 ? 'session' : 'sessions'}
          </DoubleCheckButton>
        ) : (
          <p className="muted">This is your only session</p>
        )}
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        {confirmAtProvider && provider && (
          <a className="button" href={providerSignInUrl(provider, { reauthenticate: true })}>
            Confirm with {providerName(account, provider)}
          </a>
        )}
      </section>

      <section className="card">
        <h2>Where you're signed in</h2>
        <ul className="sessions">
          {account.sessions.map((session) => (
            <li key={session.id} data-testid="session">
              <div>
                <strong>{device(session)}</strong>
                {session.current && <span className="badge">This device</span>}
                <p className="muted">
                  {[session.ipAddress ?? 'Unknown IP', nearby(session.location)].filter(Boolean).join(' · ')}{' '}
                  · Last active {lastActive(session.lastActiveAt)}
                  {session.identityProvider && ` · via ${providerName(account, session.identityProvider)}`}
                </p>
                <p className="muted" data-testid="session-factors">
                  Signed in with{' '}
                  {describeFactors(
                    session.authenticationFactors,
                    session.identityProvider ? providerName(account, session.identityProvider) : undefined,
                  )}
                </p>
              </div>
              {!session.current && (
                <button
                  type="button"
                  disabled={revoking.loading}
                  onClick={() => void run(() => revokeSession({ variables: { id: session.id } }))}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
        {account.sessions.some((session) => session.location) && <LocationAttribution />}
      </section>
    </>
  );
}

/** The provider's name as the account's linked identities give it; its id if it is no longer linked. */
function providerName(account: AccountFieldsFragment, providerId: string): string {
  return (
    account.identities.find((identity) => identity.provider.id === providerId)?.provider.name ?? providerId
  );
}

function device(session: SessionFieldsFragment): string {
  return `${session.browser ?? 'Unknown browser'} on ${session.os ?? 'unknown system'}`;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

function lastActive(iso: string): string {
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  if (seconds > -60) return 'just now';
  if (seconds > -3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (seconds > -86400) return relative.format(Math.round(seconds / 3600), 'hour');
  return new Date(iso).toLocaleString();
}
