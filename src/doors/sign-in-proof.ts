import type { AuthenticationFactor } from '../sessions/authentication-factor.js';

/** A factor that completes a pending sign-in (SECOND_FACTOR_REQUIRED). */
export type SecondFactor =
  AuthenticationFactor.TOTP | AuthenticationFactor.RECOVERY_CODE | AuthenticationFactor.PASSKEY;

interface MayCarrySecondFactor {
  /** Given when the sign-in completes a challenge: the door then signs in a two-factor account. */
  readonly secondFactor?: SecondFactor;
}

/**
 * What a sign-in proved before it reached the door (src/doors/sign-in-door.ts).
 * Each method proves who the person is in its own way and hands one of these
 * over; the door applies the same rules to all of them, the second factor
 * included.
 */
export type SignInProof =
  /** A new account with its password, made in the same transaction (it has no second factor yet). */
  | { readonly kind: 'sign-up' }
  /**
   * A passkey's assertion, verified a moment ago in the same transaction:
   * possession and user verification at once, so it needs no second factor.
   */
  | { readonly kind: 'passkey'; readonly passkeyId: string }
  /**
   * The password matched `verifiedHash`, read a moment ago: the door signs in
   * only while it is still the account's hash.
   */
  | ({ readonly kind: 'password'; readonly verifiedHash: string } & MayCarrySecondFactor)
  /** A provider's ID token for a linked identity, or for the account it just made. */
  | ({
      readonly kind: 'identity-provider';
      readonly providerId: string;
      readonly newAccount: boolean;
    } & MayCarrySecondFactor)
  /**
   * A live reset link from the mailbox (`emailTokenHash`, not spent yet) and
   * the new password's hash: the door spends the link, sets the password and
   * ends every session, unless it first needs the second factor.
   */
  | ({
      readonly kind: 'password-reset';
      readonly emailTokenHash: Buffer;
      readonly newPasswordHash: string;
    } & MayCarrySecondFactor);
