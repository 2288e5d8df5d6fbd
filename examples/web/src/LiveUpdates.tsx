import { useApolloClient, useSubscription } from '@apollo/client/react';
import { showSignedOut } from './apollo';
import { endedRemotely } from './live';
import { ACCOUNT_SESSIONS_CHANGED, CURRENT_SESSION_ENDED } from './operations';

/**
 * While signed in, listens for the two live events. The account arrives with
 * its `AccountFields`, which Apollo merges into User:<id>: the device list and
 * "Signed in on N devices" re-render by themselves. When this session ends
 * anywhere, the page goes to the sign-in form without a click or a reload.
 */
export function LiveUpdates() {
  const client = useApolloClient();
  useSubscription(ACCOUNT_SESSIONS_CHANGED);
  useSubscription(CURRENT_SESSION_ENDED, {
    onData: ({ data }) => {
      const reason = data.data?.currentSessionEnded.reason;
      if (!reason) return;
      // SIGNED_OUT is this session's own sign-out (this tab or another of this browser): nothing to explain.
      if (reason === 'EXPIRED') endedRemotely('expired');
      // "This wasn't me": the password no longer works, so "sign in again" alone would mislead.
      else if (reason === 'UNRECOGNIZED_SIGN_IN_REPORTED') endedRemotely('reported');
      // Signing in again now needs a code: say so, or the next step of the form would surprise.
      else if (reason === 'TWO_FACTOR_ENABLED') endedRemotely('two-factor');
      // Any other reason (and any the server adds later) reads as "signed out from another device".
      else if (reason !== 'SIGNED_OUT') endedRemotely('elsewhere');
      showSignedOut(client.cache);
    },
  });
  return null;
}
