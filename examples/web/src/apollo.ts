import {
  type ApolloCache,
  ApolloClient,
  ApolloLink,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
  makeVar,
} from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { relayStylePagination } from '@apollo/client/utilities';
import { withLiveLink } from './live';
import { ME } from './operations';
import { stepUpLink } from './step-up-link';

export const API_URL: string = import.meta.env.VITE_API_URL ?? 'http://localhost:3000/graphql';

/** True once a request found the session ended (signed out from another device, expired). */
export const sessionEndedElsewhere = makeVar(false);

/** Operations for which UNAUTHENTICATED means "this sign-in was refused", not "your session ended". */
const SIGN_IN_OPERATIONS = new Set(['SignIn', 'SignUp', 'CompleteSignIn', 'SignInWithPasskey']);

export function createApolloClient(): ApolloClient {
  const cache = new InMemoryCache({
    // "Show more" appends the next page of the security log to the one shown.
    typePolicies: { User: { fields: { securityEvents: relayStylePagination() } } },
  });
  return new ApolloClient({
    cache,
    link: ApolloLink.from([
      // Outermost: a step-up retry goes through every link below again.
      stepUpLink,
      new ErrorLink(({ error, operation }) => {
        const sessionEnded =
          CombinedGraphQLErrors.is(error) &&
          !SIGN_IN_OPERATIONS.has(operation.operationName ?? '') &&
          error.errors.some((graphqlError) => graphqlError.extensions?.code === 'UNAUTHENTICATED');
        if (sessionEnded) {
          sessionEndedElsewhere(true);
          showSignedOut(cache);
        }
      }),
      // The session is an HttpOnly cookie set by the API's origin: the browser
      // sends it cross-origin only with credentials: 'include' (and only to an
      // API whose CORS_ORIGINS lists this page's origin).
      withLiveLink(API_URL, new HttpLink({ uri: API_URL, credentials: 'include' })),
    ]),
  });
}

/**
 * Back to the sign-in form: `me` becomes null without asking the server (whose
 * answer is known), and the previous account's data leaves the cache.
 * (`client.clearStore()` would also stop the page's own queries from watching
 * the cache, so the form would never show.)
 */
export function showSignedOut(cache: ApolloCache): void {
  cache.writeQuery({ query: ME, data: { me: null } });
  // Mutation results keep the account reachable from ROOT_MUTATION; once that
  // goes, garbage collection drops every User and Session nothing points to.
  cache.evict({ id: 'ROOT_MUTATION' });
  cache.gc();
}
