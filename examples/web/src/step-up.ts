import { CombinedGraphQLErrors, makeVar } from '@apollo/client';

/** A password prompt the page shows while an action waits for reauthenticate. */
export interface PasswordRequest {
  /** The password was confirmed (reauthenticate succeeded): retry the action. */
  readonly confirmed: () => void;
  /** The user gave up: the action fails with its original error. */
  readonly cancelled: () => void;
}

/** The open prompt, if any; PasswordPrompt renders it. */
export const passwordRequest = makeVar<PasswordRequest | null>(null);

/** Opens the prompt and settles when the user has confirmed the password or cancelled. */
export function askForPassword(): Promise<void> {
  return new Promise((resolve, reject) => {
    passwordRequest({
      confirmed: () => {
        passwordRequest(null);
        resolve();
      },
      cancelled: () => {
        passwordRequest(null);
        reject(new Error('cancelled'));
      },
    });
  });
}

/**
 * REAUTHENTICATION_REQUIRED for an account without a password: it confirms
 * who it is at its provider (a redirect), then tries the action again.
 */
export function needsProviderStepUp(error: unknown): boolean {
  return (
    CombinedGraphQLErrors.is(error) &&
    error.errors.some((e) => (e.extensions?.methods as string[] | undefined)?.includes('OIDC') === true)
  );
}
