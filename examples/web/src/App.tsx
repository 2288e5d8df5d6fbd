import { useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { LinkActionPage, ResetPasswordPage } from './EmailLinkPages';
import { LinkedIdentities } from './LinkedIdentities';
import { LiveUpdates } from './LiveUpdates';
import { ME } from './operations';
import { PasskeysCard } from './PasskeysCard';
import { PasswordPrompt } from './PasswordPrompt';
import { SecurityActivity } from './SecurityActivity';
import { SecurityPage } from './SecurityPage';
import { SignInForm } from './SignInForm';
import { TwoFactorCard } from './TwoFactorCard';
import { TwoFactorPage } from './TwoFactorPage';

/** The pages an emailed link (or a provider sign-in) opens; anything else is the account page. */
function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return path;
}

export function App() {
  const { data, loading, error } = useQuery(ME);
  const path = usePath();

  if (path === '/two-factor') {
    return (
      <main className="page">
        <h1>Account security</h1>
        <TwoFactorPage />
      </main>
    );
  }

  if (path === '/reset-password' || path === '/verify-email' || path === '/not-me') {
    return (
      <main className="page">
        <h1>Account security</h1>
        {path === '/reset-password' ? (
          <ResetPasswordPage />
        ) : (
          <LinkActionPage kind={path === '/verify-email' ? 'verify' : 'not-me'} />
        )}
      </main>
    );
  }

  return (
    <main className="page">
      <h1>Account security</h1>
      {loading && !data ? (
        <p className="muted">Loading…</p>
      ) : error ? (
        <p role="alert" className="error">
          Cannot reach the server: {error.message}
        </p>
      ) : data?.me ? (
        <>
          <LiveUpdates />
          <SecurityPage account={data.me} />
          <TwoFactorCard account={data.me} />
          <PasskeysCard account={data.me} />
          <LinkedIdentities account={data.me} />
          <SecurityActivity
            currentSessionId={data.me.sessions.find((session) => session.current)?.id ?? null}
            accountState={accountState(data.me)}
          />
          <PasswordPrompt />
        </>
      ) : (
        <SignInForm />
      )}
    </main>
  );
}

/**
 * What changes on the page when the account changes (an action here, or a
 * change pushed live): the activity list reloads when it does, instead of
 * keeping its old rows until a reload.
 */
function accountState(account: {
  sessions: ReadonlyArray<{ id: string }>;
  identities: ReadonlyArray<{ id: string }>;
  passkeys: ReadonlyArray<{ id: string }>;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  recoveryCodesRemaining: number;
}): string {
  return [
    account.sessions.map((session) => session.id).join(','),
    account.identities.map((identity) => identity.id).join(','),
    account.passkeys.map((passkey) => passkey.id).join(','),
    account.emailVerified,
    account.twoFactorEnabled,
    account.recoveryCodesRemaining,
  ].join('|');
}
