import { graphql } from './gql';

// Two-factor authentication (docs/two-factor.md): turning it on and off, the
// recovery codes, and the sign-in's second step. Like operations.ts, whatever
// returns the account selects `AccountFields`, so the cache updates the page.

export const START_TOTP_ENROLLMENT = graphql(`
  mutation StartTotpEnrollment {
    startTotpEnrollment {
      secret
      otpauthUri
      qrCodeSvg
    }
  }
`);

export const CONFIRM_TOTP_ENROLLMENT = graphql(`
  mutation ConfirmTotpEnrollment($code: String!) {
    confirmTotpEnrollment(code: $code) {
      recoveryCodes
      signedOutCount
      user {
        ...AccountFields
      }
    }
  }
`);

export const DISABLE_TWO_FACTOR = graphql(`
  mutation DisableTwoFactor($input: SecondFactorInput!) {
    disableTwoFactor(input: $input) {
      ...AccountFields
    }
  }
`);

export const REGENERATE_RECOVERY_CODES = graphql(`
  mutation RegenerateRecoveryCodes {
    regenerateRecoveryCodes
  }
`);

export const COMPLETE_SIGN_IN = graphql(`
  mutation CompleteSignIn($input: CompleteSignInInput!) {
    completeSignIn(input: $input) {
      user {
        ...AccountFields
      }
    }
  }
`);

// Step-up with the authenticator app instead of the password (PasswordPrompt).
export const REAUTHENTICATE_WITH_SECOND_FACTOR = graphql(`
  mutation ReauthenticateWithSecondFactor($input: SecondFactorInput!) {
    reauthenticateWithSecondFactor(input: $input) {
      session {
        id
        authenticatedAt
        sudoExpiresAt
      }
    }
  }
`);
