import { ApolloLink } from '@apollo/client';
import { Observable, type Subscription } from 'rxjs';
import { askForPassword, type StepUpMethod } from './step-up';

// The page can ask for a password or a code from the authenticator app; an
// account with neither (methods: ["OIDC"]) steps up through its provider
// (SecurityPage's link). The ways the prompt may offer, or null.
const promptableMethods = (result: ApolloLink.Result): readonly StepUpMethod[] | null => {
  const error =
    'errors' in result
      ? result.errors?.find((e) => e.extensions?.code === 'REAUTHENTICATION_REQUIRED')
      : undefined;
  if (!error) return null;
  const methods = (error.extensions?.methods as StepUpMethod[] | undefined) ?? ['PASSWORD'];
  return methods.includes('PASSWORD') || methods.includes('TOTP') ? methods : null;
};

/**
 * Step-up in one place: when the server answers REAUTHENTICATION_REQUIRED
 * (ending other sessions outside the sudo window), ask for the password (or a
 * code) in the page (PasswordPrompt calls `reauthenticate`), then send the same operation
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
          const methods = promptableMethods(result);
          if (!methods) {
            observer.next(result);
            return;
          }
          prompting = true;
          askForPassword(methods).then(
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
