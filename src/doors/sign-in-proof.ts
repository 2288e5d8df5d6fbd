/**
 * What a sign-in proved before it reached the door (src/doors/sign-in-door.ts).
 * Each method proves who the person is in its own way and hands one of these
 * over; the door applies the same rules to all of them.
 */
export type SignInProof =
  /** A new account with its password, made in the same transaction. */
  | { readonly kind: 'sign-up' }
  /**
   * The password matched `verifiedHash`, read a moment ago: the door signs in
   * only while it is still the account's hash.
   */
  | { readonly kind: 'password'; readonly verifiedHash: string }
  /** A provider's ID token for a linked identity, or for the account it just made. */
  | { readonly kind: 'identity-provider'; readonly providerId: string; readonly newAccount: boolean }
  /** A reset link from the mailbox set a new password and ended this many sessions. */
  | { readonly kind: 'password-reset'; readonly endedSessionCount: number };
