import { graphql } from './gql';

// The pages an emailed link opens (docs/email.md): each sends the link's secret once.

export const REQUEST_PASSWORD_RESET = graphql(`
  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input)
  }
`);

export const RESET_PASSWORD = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      user {
        ...AccountFields
      }
    }
  }
`);

export const VERIFY_EMAIL = graphql(`
  mutation VerifyEmail($token: String!) {
    verifyEmail(token: $token) {
      id
      emailVerified
    }
  }
`);

export const REPORT_UNRECOGNIZED_SIGN_IN = graphql(`
  mutation ReportUnrecognizedSignIn($token: String!) {
    reportUnrecognizedSignIn(token: $token)
  }
`);
