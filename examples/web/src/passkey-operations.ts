import { graphql } from './gql';

// Passkeys (WebAuthn, docs/passkeys.md). Options and responses travel as JSON
// strings, as @simplewebauthn/browser takes and gives them. The account's
// passkeys are part of `AccountFields`, so whatever returns the account (or a
// Passkey, by id) updates the page through the cache.

export const PASSKEY_FIELDS = graphql(`
  fragment PasskeyFields on Passkey {
    id
    name
    createdAt
    lastUsedAt
    synced
  }
`);

export const START_PASSKEY_SIGN_IN = graphql(`
  mutation StartPasskeySignIn {
    startPasskeySignIn {
      optionsJson
      expiresAt
    }
  }
`);

export const SIGN_IN_WITH_PASSKEY = graphql(`
  mutation SignInWithPasskey($input: PasskeySignInInput!) {
    signInWithPasskey(input: $input) {
      user {
        ...AccountFields
      }
    }
  }
`);

export const START_PASSKEY_REGISTRATION = graphql(`
  mutation StartPasskeyRegistration {
    startPasskeyRegistration {
      optionsJson
      expiresAt
    }
  }
`);

export const FINISH_PASSKEY_REGISTRATION = graphql(`
  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {
    finishPasskeyRegistration(input: $input) {
      ...PasskeyFields
    }
  }
`);

export const RENAME_PASSKEY = graphql(`
  mutation RenamePasskey($id: ID!, $name: String!) {
    renamePasskey(id: $id, name: $name) {
      ...PasskeyFields
    }
  }
`);

export const REMOVE_PASSKEY = graphql(`
  mutation RemovePasskey($id: ID!) {
    removePasskey(id: $id) {
      ...AccountFields
    }
  }
`);
