import { makeVar } from '@apollo/client';

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
