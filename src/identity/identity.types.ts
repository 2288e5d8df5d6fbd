/** What a provider proved about the person, from the validated ID token. */
export interface ProvenIdentity {
  readonly providerId: string;
  readonly subject: string;
  /** The `email` claim, if the provider sent one (as sent: validated where an account is made). */
  readonly email: string | null;
  /** The `email_verified` claim; `null` when the provider did not send one. */
  readonly emailVerified: boolean | null;
}

/** Why a provider sign-in was refused: the code the browser is sent back to the app with. */
export type IdentityRefusal =
  /** An account with this email exists: sign in with the password, then link from the security page. */
  | 'account_exists'
  /** The provider sent no email, and a new account needs one. */
  | 'email_required'
  /** The provider's email is not a single valid address, or the provider does not vouch for it. */
  | 'email_unverified'
  /** "This wasn't me" locked the account: only a password reset from the emailed link opens it. */
  | 'password_reset_required'
  /** The identity is already linked to another account. */
  | 'identity_in_use'
  /** A step-up signed in someone other than the account's own linked identity. */
  | 'identity_mismatch'
  /** Linking needs a fresh proof of identity (reauthenticate) within CREDENTIAL_CHANGE_MAX_AGE_SECONDS. */
  | 'reauthentication_required'
  | 'not_signed_in'
  | 'unknown_provider'
  | 'provider_unavailable'
  /** The callback did not match a sign-in started by this browser (state, PKCE, nonce, ID token). */
  | 'sign_in_failed'
  /** The person declined at the provider. */
  | 'access_denied';

export class IdentityRefusedError extends Error {
  constructor(readonly code: IdentityRefusal) {
    super(`Identity provider sign-in refused: ${code}`);
  }
}
