import { CombinedGraphQLErrors } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import {
  browserSupportsWebAuthn,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
  WebAuthnError,
} from '@simplewebauthn/browser';
import { useRef, useState } from 'react';
import { describeError } from './errors';
import { START_PASSKEY_SIGN_IN } from './passkey-operations';

/** WebAuthn exists here (a secure context: https, or http://localhost): otherwise no passkey button shows. */
export const passkeysSupported: boolean = browserSupportsWebAuthn();

/**
 * The browser's passkey prompt (navigator.credentials.get) for request options
 * the API made; the AuthenticationResponseJSON as the API takes it, a string.
 */
export async function askForPasskey(optionsJson: string): Promise<string> {
  const optionsJSON = JSON.parse(optionsJson) as PublicKeyCredentialRequestOptionsJSON;
  return JSON.stringify(await startAuthentication({ optionsJSON }));
}

/** The browser makes a new passkey (navigator.credentials.create); the RegistrationResponseJSON, a string. */
export async function createPasskey(optionsJson: string): Promise<string> {
  const optionsJSON = JSON.parse(optionsJson) as PublicKeyCredentialCreationOptionsJSON;
  return JSON.stringify(await startRegistration({ optionsJSON }));
}

/**
 * The person closed the browser's prompt, let it time out, or had no passkey
 * to offer: browsers answer all of these with NotAllowedError (on purpose, so
 * a page cannot learn which passkeys exist). Nothing happened; it is no error
 * to report as one.
 */
export function passkeyCancelled(error: unknown): boolean {
  if (error instanceof WebAuthnError && error.code === 'ERROR_CEREMONY_ABORTED') return true;
  const cause = error instanceof WebAuthnError ? error.cause : error;
  return cause instanceof Error && (cause.name === 'NotAllowedError' || cause.name === 'AbortError');
}

export const PASSKEY_CANCELLED =
  'The passkey prompt closed without a passkey. Nothing changed: try again when you are ready.';

/** What to tell the person after a passkey step failed: calm for a closed prompt, the API's words otherwise. */
export function describePasskeyError(error: unknown): string {
  if (passkeyCancelled(error)) return PASSKEY_CANCELLED;
  if (error instanceof WebAuthnError && error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED')
    return 'This device already holds a passkey for this account.';
  return describeError(error);
}

/**
 * `extensions.passkeyOptions` of SECOND_FACTOR_REQUIRED or
 * REAUTHENTICATION_REQUIRED: request options bound to the account's passkeys,
 * so the browser offers only those. Absent when the account has none.
 */
export function passkeyOptionsOf(error: unknown): string | undefined {
  if (!CombinedGraphQLErrors.is(error)) return undefined;
  for (const graphqlError of error.errors) {
    const options = graphqlError.extensions?.passkeyOptions;
    if (typeof options === 'string') return options;
  }
  return undefined;
}

/**
 * The passkey prompt of an assertion: a sign-in, a sign-in's second step, or
 * step-up. Options bound to the account (from the error that asked for the
 * proof) are used once, as they name its passkeys; after that, and without
 * them, fresh options from startPasskeySignIn, which every assertion accepts
 * (the browser then offers this site's discoverable passkeys). Fresh ones
 * because a refused response may have spent the bound challenge.
 */
export function usePasskeyPrompt(boundOptions?: string): {
  prompt: () => Promise<string>;
  /** While the options are fetched and the browser's prompt is open. */
  busy: boolean;
} {
  const bound = useRef(boundOptions);
  const [busy, setBusy] = useState(false);
  const [start] = useMutation(START_PASSKEY_SIGN_IN);
  async function prompt(): Promise<string> {
    setBusy(true);
    try {
      let options = bound.current;
      bound.current = undefined;
      if (!options) {
        const { data } = await start();
        if (!data) throw new Error('The server sent no passkey options. Try again.');
        options = data.startPasskeySignIn.optionsJson;
      }
      return await askForPasskey(options);
    } finally {
      setBusy(false);
    }
  }
  return { prompt, busy };
}
