import { graphql } from './gql';

// Every mutation selects the whole account (`AccountFields`): Apollo's
// normalised cache merges the returned User (by id) and its sessions into what
// the page already shows, so nothing has to refetch `me` afterwards.

export const SESSION_FIELDS = graphql(`
  fragment SessionFields on Session {
    id
    browser
    os
    ipAddress
    location {
      city
      country
    }
    lastActiveAt
    current
    signInMethod
    identityProvider
    authenticationFactors
  }
`);

export const ACCOUNT_FIELDS = graphql(`
  fragment AccountFields on User {
    id
    email
    emailVerified
    activeSessionCount
    hasPassword
    twoFactorEnabled
    recoveryCodesRemaining
    identities {
      id
      email
      linkedAt
      provider {
        id
        name
      }
    }
    sessions {
      ...SessionFields
    }
    passkeys {
      ...PasskeyFields
    }
  }
`);

export const ME = graphql(`
  query Me {
    me {
      ...AccountFields
    }
  }
`);

// No `token` is selected: the session travels in an HttpOnly cookie, out of
// reach of this page's scripts.
export const SIGN_IN = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      user {
        ...AccountFields
      }
    }
  }
`);

export const SIGN_UP = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      user {
        ...AccountFields
      }
    }
  }
`);

export const IDENTITY_PROVIDERS = graphql(`
  query IdentityProviders {
    identityProviders {
      id
      name
    }
  }
`);

export const UNLINK_IDENTITY = graphql(`
  mutation UnlinkIdentity($id: ID!) {
    unlinkIdentity(id: $id) {
      ...AccountFields
    }
  }
`);

export const SIGN_OUT = graphql(`
  mutation SignOut {
    signOut
  }
`);

export const SIGN_OUT_OTHER_SESSIONS = graphql(`
  mutation SignOutOtherSessions {
    signOutOtherSessions {
      signedOutCount
      user {
        ...AccountFields
      }
    }
  }
`);

export const REVOKE_SESSION = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id) {
      revokedSessionId
      user {
        ...AccountFields
      }
    }
  }
`);

// Over WebSocket (src/live.ts). The account carries the same fields as `me`,
// so the cache updates what the page shows.
export const ACCOUNT_SESSIONS_CHANGED = graphql(`
  subscription AccountSessionsChanged {
    accountSessionsChanged {
      ...AccountFields
    }
  }
`);

export const CURRENT_SESSION_ENDED = graphql(`
  subscription CurrentSessionEnded {
    currentSessionEnded {
      sessionId
      reason
    }
  }
`);

export const REAUTHENTICATE = graphql(`
  mutation Reauthenticate($input: ReauthenticateInput!) {
    reauthenticate(input: $input) {
      session {
        id
        authenticatedAt
        sudoExpiresAt
      }
    }
  }
`);

export const SECURITY_EVENT_FIELDS = graphql(`
  fragment SecurityEventFields on SecurityEvent {
    id
    type
    occurredAt
    ipAddress
    location {
      city
      country
    }
    browser
    os
    sessionId
    actorSessionId
    endedSessionCount
    signInMethod
  }
`);

export const SECURITY_ACTIVITY = graphql(`
  query SecurityActivity($first: Int, $after: String) {
    me {
      id
      securityEvents(first: $first, after: $after) {
        edges {
          cursor
          node {
            ...SecurityEventFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);
