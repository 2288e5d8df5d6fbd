import { useQuery } from '@apollo/client/react';
import { LinkedIdentities } from './LinkedIdentities';
import { LiveUpdates } from './LiveUpdates';
import { ME } from './operations';
import { PasswordPrompt } from './PasswordPrompt';
import { SecurityActivity } from './SecurityActivity';
import { SecurityPage } from './SecurityPage';
import { SignInForm } from './SignInForm';

export function App() {
  const { data, loading, error } = useQuery(ME);

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
          <LinkedIdentities account={data.me} />
          <SecurityActivity
            currentSessionId={data.me.sessions.find((session) => session.current)?.id ?? null}
          />
          <PasswordPrompt />
        </>
      ) : (
        <SignInForm />
      )}
    </main>
  );
}
