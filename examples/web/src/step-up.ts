import { CombinedGraphQLErrors, makeVar } from '@apollo/client';

/** How an account can prove who it is again, as REAUTHENTICATION_REQUIRED lists them. */
export type StepUpMethod = 'PASSWORD' | 'TOTP' | 'PASSKEY' | 'OIDC';

/** A prompt the page shows while an action waits for reauthentication. */
export interface PasswordRequest {
  /** What the server accepts for this account: its password, its authenticator app when two-factor is on, its passkeys. */
  readonly methods: readonly StepUpMethod[];
  /** REAUTHENTICATION_REQUIRED's `passkeyOptions`: request options naming the account's passkeys. */
  readonly passkeyOptions?: string;
  /** The proof was accepted (reauthenticate succeeded): retry the action. */
  readonly confirmed: () => void;
  /** The user gave up: the action fails with its original error. */
  readonly cancelled: () => void;
}

/** The open prompt, if any; PasswordPrompt renders it. */
export const passwordRequest = makeVar<PasswordRequest | null>(null);

/** Opens the prompt and settles when the user has confirmed who they are or cancelled. */
export function askForPassword(
  methods: readonly StepUpMethod[] = ['PASSWORD'],
  passkeyOptions?: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    passwordRequest({
      methods,
      passkeyOptions,
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
