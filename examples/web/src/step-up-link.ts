import { ApolloLink } from '@apollo/client';
import { Observable, type Subscription } from 'rxjs';
import { passkeysSupported } from './passkey';
import { askForPassword, type StepUpMethod } from './step-up';

// The page can ask for a password, a code from the authenticator app or a
// passkey; an account with none of them (methods: ["OIDC"]) steps up through
// its provider (SecurityPage's link). The ways the prompt may offer, or null.
const promptable = (
  result: ApolloLink.Result,
): { methods: readonly StepUpMethod[]; passkeyOptions?: string } | null => {
  const error =
    'errors' in result
      ? result.errors?.find((e) => e.extensions?.code === 'REAUTHENTICATION_REQUIRED')
      : undefined;
  if (!error) return null;
  const methods = (error.extensions?.methods as StepUpMethod[] | undefined) ?? ['PASSWORD'];
  const passkeyOptions = error.extensions?.passkeyOptions;
  const prompts =
    methods.includes('PASSWORD') ||
    methods.includes('TOTP') ||
    (methods.includes('PASSKEY') && passkeysSupported);
  return prompts
    ? { methods, passkeyOptions: typeof passkeyOptions === 'string' ? passkeyOptions : undefined }
    : null;
};

/**
 * Step-up in one place: when the server answers REAUTHENTICATION_REQUIRED
 * (ending other sessions outside the sudo window), ask for the password (or a
 * code, or a passkey) in the page (PasswordPrompt calls `reauthenticate`), then send the same operation
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
          const prompt = promptable(result);
          if (!prompt) {
            observer.next(result);
            return;
          }
          prompting = true;
          askForPassword(prompt.methods, prompt.passkeyOptions).then(
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
