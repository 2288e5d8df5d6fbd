import { useQuery } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import type { SecurityEventFieldsFragment, SecurityEventType, SignInMethod } from './gql/graphql';
import { LocationAttribution, nearby } from './location';
import { SECURITY_ACTIVITY } from './operations';

const PAGE_SIZE = 5;

// How a new session began, after "Signed in" / "Account created" (the events of a new session say).
const HOW: Record<SignInMethod, string> = {
  PASSWORD: 'with a password',
  OIDC: 'with a sign-in provider',
  PASSWORD_RESET: 'with a password reset',
  PASSKEY: 'with a passkey',
};

// Typed by the schema's enum: a new event type fails the client's build until it has words here.
const WHAT: Record<SecurityEventType, string> = {
  SIGNED_UP: 'Account created',
  SIGNED_IN: 'Signed in',
  SIGN_IN_FAILED: 'Failed sign-in attempt',
  SIGNED_OUT: 'Signed out',
  SESSION_REVOKED: 'Signed out a session',
  OTHER_SESSIONS_SIGNED_OUT: 'Signed out of other sessions',
  PASSWORD_CHANGED: 'Password changed',
  REAUTHENTICATED: 'Password confirmed',
  REAUTHENTICATION_FAILED: 'Wrong password confirmation',
  IDENTITY_LINKED: 'Sign-in provider linked',
  IDENTITY_UNLINKED: 'Sign-in provider unlinked',
  EMAIL_VERIFIED: 'Email address confirmed',
  PASSWORD_RESET_REQUESTED: 'Password reset requested',
  PASSWORD_RESET: 'Password reset',
  NEW_DEVICE_ALERT_SENT: 'New sign-in alert emailed',
  UNRECOGNIZED_SIGN_IN_REPORTED: '“This wasn’t me” reported',
  TWO_FACTOR_ENABLED: 'Two-factor authentication turned on',
  TWO_FACTOR_DISABLED: 'Two-factor authentication turned off',
  SECOND_FACTOR_FAILED: 'Wrong two-factor code',
  RECOVERY_CODE_USED: 'Recovery code used',
  RECOVERY_CODES_REGENERATED: 'New recovery codes made',
  PASSKEY_ADDED: 'Passkey added',
  PASSKEY_REMOVED: 'Passkey removed',
};

/** "Recent security activity": the account's security log, newest first, a page at a time. */
export function SecurityActivity({
  currentSessionId,
  accountState,
}: {
  currentSessionId: string | null;
  /** Changes whenever the account does (sessions, linked identities, verification). */
  accountState: string;
}) {
  const { data, fetchMore, loading, refetch } = useQuery(SECURITY_ACTIVITY, {
    variables: { first: PAGE_SIZE },
    // New events since the page was first shown (this device's own actions included).
    fetchPolicy: 'cache-and-network',
  });
  // An action on the page, or a change pushed live, shows in the activity at once.
  const shown = useRef(accountState);
  useEffect(() => {
    if (shown.current === accountState) return;
    shown.current = accountState;
    void refetch({ first: PAGE_SIZE, after: undefined });
  }, [accountState, refetch]);
  const connection = data?.me?.securityEvents;
  if (!connection) return null;

  return (
    <section className="card">
      <h2>Recent security activity</h2>
      <ul className="sessions">
        {connection.edges.map(({ node }) => (
          <li key={node.id} data-testid="security-event">
            <div>
              <strong>
                {WHAT[node.type] ?? node.type}
                {node.signInMethod && node.type === 'SIGNED_IN' ? ` ${HOW[node.signInMethod]}` : ''}
              </strong>
              {isThisDevice(node, currentSessionId) && <span className="badge">This device</span>}
              <p className="muted">
                {[device(node), node.ipAddress ?? 'Unknown IP', nearby(node.location)]
                  .filter(Boolean)
                  .join(' · ')}{' '}
                · {new Date(node.occurredAt).toLocaleString()}
                {node.endedSessionCount ? ` · ${node.endedSessionCount} ended` : ''}
              </p>
            </div>
          </li>
        ))}
      </ul>
      {connection.edges.some(({ node }) => node.location) && <LocationAttribution />}
      {connection.pageInfo.hasNextPage && (
        <button
          type="button"
          disabled={loading}
          onClick={() =>
            void fetchMore({ variables: { first: PAGE_SIZE, after: connection.pageInfo.endCursor } })
          }
        >
          Show more
        </button>
      )}
    </section>
  );
}

function isThisDevice(event: SecurityEventFieldsFragment, currentSessionId: string | null): boolean {
  return currentSessionId !== null && (event.actorSessionId ?? event.sessionId) === currentSessionId;
}

function device(event: SecurityEventFieldsFragment): string {
  return `${event.browser ?? 'Unknown browser'} on ${event.os ?? 'unknown system'}`;
}
