import { ApolloLink } from '@apollo/client';
import { Observable, type Subscription } from 'rxjs';
import { askForPassword } from './step-up';

// Only a password can be asked for in the page; an account without one
// (methods: ["OIDC"]) steps up through its provider (SecurityPage's link).
const needsReauthentication = (result: ApolloLink.Result): boolean =>
  'errors' in result &&
  (result.errors ?? []).some(
    (error) =>
      error.extensions?.code === 'REAUTHENTICATION_REQUIRED' &&
      ((error.extensions.methods as string[] | undefined) ?? ['PASSWORD']).includes('PASSWORD'),
  );

/**
 * Step-up in one place: when the server answers REAUTHENTICATION_REQUIRED
 * (ending other sessions outside the sudo window), ask for the password in the
 * page (PasswordPrompt calls `reauthenticate`), then send the same operation
 * once more. Its result reaches the caller as the first attempt's would have,
 * so the cache is updated from the retried payload. Cancelled: the original
 * error goes through.
 */
export const stepUpLink = new ApolloLink(
  (operation, forward) =>
    new Observable<ApolloLink.Result>((observer) => {
      let prompting = false;
      let attempt: Subscription = forward(operation).subscribe({
        next: (result) => {
          if (!needsReauthentication(result)) {
            observer.next(result);
            return;
          }
          prompting = true;
          askForPassword().then(
            // Once only: the retry's answer goes to the caller, whatever it is.
            () => {
              attempt = forward(operation).subscribe(observer);
            },
            () => {
              observer.next(result);
              observer.complete();
            },
          );
        },
        error: (error: unknown) => observer.error(error),
        // While the prompt is open, the first attempt's end is not the operation's.
        complete: () => {
          if (!prompting) observer.complete();
        },
      });
      return () => attempt.unsubscribe();
    }),
);
