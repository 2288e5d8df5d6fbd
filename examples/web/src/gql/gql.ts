/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n      emailVerified\n    }\n  }\n": typeof types.VerifyEmailDocument,
    "\n  mutation ReportUnrecognizedSignIn($token: String!) {\n    reportUnrecognizedSignIn(token: $token)\n  }\n": typeof types.ReportUnrecognizedSignInDocument,
    "\n  fragment SessionFields on Session {\n    id\n    browser\n    os\n    ipAddress\n    location {\n      city\n      country\n    }\n    lastActiveAt\n    current\n    signInMethod\n    identityProvider\n    authenticationFactors\n  }\n": typeof types.SessionFieldsFragmentDoc,
    "\n  fragment AccountFields on User {\n    id\n    email\n    emailVerified\n    activeSessionCount\n    hasPassword\n    twoFactorEnabled\n    recoveryCodesRemaining\n    identities {\n      id\n      email\n      linkedAt\n      provider {\n        id\n        name\n      }\n    }\n    sessions {\n      ...SessionFields\n    }\n    passkeys {\n      ...PasskeyFields\n    }\n  }\n": typeof types.AccountFieldsFragmentDoc,
    "\n  query Me {\n    me {\n      ...AccountFields\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  query IdentityProviders {\n    identityProviders {\n      id\n      name\n    }\n  }\n": typeof types.IdentityProvidersDocument,
    "\n  mutation UnlinkIdentity($id: ID!) {\n    unlinkIdentity(id: $id) {\n      ...AccountFields\n    }\n  }\n": typeof types.UnlinkIdentityDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": typeof types.SignOutDocument,
    "\n  mutation SignOutOtherSessions {\n    signOutOtherSessions {\n      signedOutCount\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": typeof types.SignOutOtherSessionsDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      revokedSessionId\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": typeof types.RevokeSessionDocument,
    "\n  subscription AccountSessionsChanged {\n    accountSessionsChanged {\n      ...AccountFields\n    }\n  }\n": typeof types.AccountSessionsChangedDocument,
    "\n  subscription CurrentSessionEnded {\n    currentSessionEnded {\n      sessionId\n      reason\n    }\n  }\n": typeof types.CurrentSessionEndedDocument,
    "\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      session {\n        id\n        authenticatedAt\n        sudoExpiresAt\n      }\n    }\n  }\n": typeof types.ReauthenticateDocument,
    "\n  fragment SecurityEventFields on SecurityEvent {\n    id\n    type\n    occurredAt\n    ipAddress\n    location {\n      city\n      country\n    }\n    browser\n    os\n    sessionId\n    actorSessionId\n    endedSessionCount\n    signInMethod\n  }\n": typeof types.SecurityEventFieldsFragmentDoc,
    "\n  query SecurityActivity($first: Int, $after: String) {\n    me {\n      id\n      securityEvents(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...SecurityEventFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.SecurityActivityDocument,
    "\n  fragment PasskeyFields on Passkey {\n    id\n    name\n    createdAt\n    lastUsedAt\n    synced\n  }\n": typeof types.PasskeyFieldsFragmentDoc,
    "\n  mutation StartPasskeySignIn {\n    startPasskeySignIn {\n      optionsJson\n      expiresAt\n    }\n  }\n": typeof types.StartPasskeySignInDocument,
    "\n  mutation SignInWithPasskey($input: PasskeySignInInput!) {\n    signInWithPasskey(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": typeof types.SignInWithPasskeyDocument,
    "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration {\n      optionsJson\n      expiresAt\n    }\n  }\n": typeof types.StartPasskeyRegistrationDocument,
    "\n  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {\n    finishPasskeyRegistration(input: $input) {\n      ...PasskeyFields\n    }\n  }\n": typeof types.FinishPasskeyRegistrationDocument,
    "\n  mutation RenamePasskey($id: ID!, $name: String!) {\n    renamePasskey(id: $id, name: $name) {\n      ...PasskeyFields\n    }\n  }\n": typeof types.RenamePasskeyDocument,
    "\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id) {\n      ...AccountFields\n    }\n  }\n": typeof types.RemovePasskeyDocument,
    "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n      qrCodeSvg\n    }\n  }\n": typeof types.StartTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      recoveryCodes\n      signedOutCount\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": typeof types.ConfirmTotpEnrollmentDocument,
    "\n  mutation DisableTwoFactor($input: SecondFactorInput!) {\n    disableTwoFactor(input: $input) {\n      ...AccountFields\n    }\n  }\n": typeof types.DisableTwoFactorDocument,
    "\n  mutation RegenerateRecoveryCodes {\n    regenerateRecoveryCodes\n  }\n": typeof types.RegenerateRecoveryCodesDocument,
    "\n  mutation CompleteSignIn($input: CompleteSignInInput!) {\n    completeSignIn(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": typeof types.CompleteSignInDocument,
    "\n  mutation ReauthenticateWithSecondFactor($input: SecondFactorInput!) {\n    reauthenticateWithSecondFactor(input: $input) {\n      session {\n        id\n        authenticatedAt\n        sudoExpiresAt\n      }\n    }\n  }\n": typeof types.ReauthenticateWithSecondFactorDocument,
};
const documents: Documents = {
    "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": types.ResetPasswordDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n      emailVerified\n    }\n  }\n": types.VerifyEmailDocument,
    "\n  mutation ReportUnrecognizedSignIn($token: String!) {\n    reportUnrecognizedSignIn(token: $token)\n  }\n": types.ReportUnrecognizedSignInDocument,
    "\n  fragment SessionFields on Session {\n    id\n    browser\n    os\n    ipAddress\n    location {\n      city\n      country\n    }\n    lastActiveAt\n    current\n    signInMethod\n    identityProvider\n    authenticationFactors\n  }\n": types.SessionFieldsFragmentDoc,
    "\n  fragment AccountFields on User {\n    id\n    email\n    emailVerified\n    activeSessionCount\n    hasPassword\n    twoFactorEnabled\n    recoveryCodesRemaining\n    identities {\n      id\n      email\n      linkedAt\n      provider {\n        id\n        name\n      }\n    }\n    sessions {\n      ...SessionFields\n    }\n    passkeys {\n      ...PasskeyFields\n    }\n  }\n": types.AccountFieldsFragmentDoc,
    "\n  query Me {\n    me {\n      ...AccountFields\n    }\n  }\n": types.MeDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": types.SignInDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": types.SignUpDocument,
    "\n  query IdentityProviders {\n    identityProviders {\n      id\n      name\n    }\n  }\n": types.IdentityProvidersDocument,
    "\n  mutation UnlinkIdentity($id: ID!) {\n    unlinkIdentity(id: $id) {\n      ...AccountFields\n    }\n  }\n": types.UnlinkIdentityDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": types.SignOutDocument,
    "\n  mutation SignOutOtherSessions {\n    signOutOtherSessions {\n      signedOutCount\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": types.SignOutOtherSessionsDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      revokedSessionId\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": types.RevokeSessionDocument,
    "\n  subscription AccountSessionsChanged {\n    accountSessionsChanged {\n      ...AccountFields\n    }\n  }\n": types.AccountSessionsChangedDocument,
    "\n  subscription CurrentSessionEnded {\n    currentSessionEnded {\n      sessionId\n      reason\n    }\n  }\n": types.CurrentSessionEndedDocument,
    "\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      session {\n        id\n        authenticatedAt\n        sudoExpiresAt\n      }\n    }\n  }\n": types.ReauthenticateDocument,
    "\n  fragment SecurityEventFields on SecurityEvent {\n    id\n    type\n    occurredAt\n    ipAddress\n    location {\n      city\n      country\n    }\n    browser\n    os\n    sessionId\n    actorSessionId\n    endedSessionCount\n    signInMethod\n  }\n": types.SecurityEventFieldsFragmentDoc,
    "\n  query SecurityActivity($first: Int, $after: String) {\n    me {\n      id\n      securityEvents(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...SecurityEventFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.SecurityActivityDocument,
    "\n  fragment PasskeyFields on Passkey {\n    id\n    name\n    createdAt\n    lastUsedAt\n    synced\n  }\n": types.PasskeyFieldsFragmentDoc,
    "\n  mutation StartPasskeySignIn {\n    startPasskeySignIn {\n      optionsJson\n      expiresAt\n    }\n  }\n": types.StartPasskeySignInDocument,
    "\n  mutation SignInWithPasskey($input: PasskeySignInInput!) {\n    signInWithPasskey(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": types.SignInWithPasskeyDocument,
    "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration {\n      optionsJson\n      expiresAt\n    }\n  }\n": types.StartPasskeyRegistrationDocument,
    "\n  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {\n    finishPasskeyRegistration(input: $input) {\n      ...PasskeyFields\n    }\n  }\n": types.FinishPasskeyRegistrationDocument,
    "\n  mutation RenamePasskey($id: ID!, $name: String!) {\n    renamePasskey(id: $id, name: $name) {\n      ...PasskeyFields\n    }\n  }\n": types.RenamePasskeyDocument,
    "\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id) {\n      ...AccountFields\n    }\n  }\n": types.RemovePasskeyDocument,
    "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n      qrCodeSvg\n    }\n  }\n": types.StartTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      recoveryCodes\n      signedOutCount\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": types.ConfirmTotpEnrollmentDocument,
    "\n  mutation DisableTwoFactor($input: SecondFactorInput!) {\n    disableTwoFactor(input: $input) {\n      ...AccountFields\n    }\n  }\n": types.DisableTwoFactorDocument,
    "\n  mutation RegenerateRecoveryCodes {\n    regenerateRecoveryCodes\n  }\n": types.RegenerateRecoveryCodesDocument,
    "\n  mutation CompleteSignIn($input: CompleteSignInInput!) {\n    completeSignIn(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n": types.CompleteSignInDocument,
    "\n  mutation ReauthenticateWithSecondFactor($input: SecondFactorInput!) {\n    reauthenticateWithSecondFactor(input: $input) {\n      session {\n        id\n        authenticatedAt\n        sudoExpiresAt\n      }\n    }\n  }\n": types.ReauthenticateWithSecondFactorDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n      emailVerified\n    }\n  }\n"): (typeof documents)["\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n      emailVerified\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportUnrecognizedSignIn($token: String!) {\n    reportUnrecognizedSignIn(token: $token)\n  }\n"): (typeof documents)["\n  mutation ReportUnrecognizedSignIn($token: String!) {\n    reportUnrecognizedSignIn(token: $token)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionFields on Session {\n    id\n    browser\n    os\n    ipAddress\n    location {\n      city\n      country\n    }\n    lastActiveAt\n    current\n    signInMethod\n    identityProvider\n    authenticationFactors\n  }\n"): (typeof documents)["\n  fragment SessionFields on Session {\n    id\n    browser\n    os\n    ipAddress\n    location {\n      city\n      country\n    }\n    lastActiveAt\n    current\n    signInMethod\n    identityProvider\n    authenticationFactors\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AccountFields on User {\n    id\n    email\n    emailVerified\n    activeSessionCount\n    hasPassword\n    twoFactorEnabled\n    recoveryCodesRemaining\n    identities {\n      id\n      email\n      linkedAt\n      provider {\n        id\n        name\n      }\n    }\n    sessions {\n      ...SessionFields\n    }\n    passkeys {\n      ...PasskeyFields\n    }\n  }\n"): (typeof documents)["\n  fragment AccountFields on User {\n    id\n    email\n    emailVerified\n    activeSessionCount\n    hasPassword\n    twoFactorEnabled\n    recoveryCodesRemaining\n    identities {\n      id\n      email\n      linkedAt\n      provider {\n        id\n        name\n      }\n    }\n    sessions {\n      ...SessionFields\n    }\n    passkeys {\n      ...PasskeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      ...AccountFields\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      ...AccountFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IdentityProviders {\n    identityProviders {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query IdentityProviders {\n    identityProviders {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnlinkIdentity($id: ID!) {\n    unlinkIdentity(id: $id) {\n      ...AccountFields\n    }\n  }\n"): (typeof documents)["\n  mutation UnlinkIdentity($id: ID!) {\n    unlinkIdentity(id: $id) {\n      ...AccountFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut {\n    signOut\n  }\n"): (typeof documents)["\n  mutation SignOut {\n    signOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOutOtherSessions {\n    signOutOtherSessions {\n      signedOutCount\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignOutOtherSessions {\n    signOutOtherSessions {\n      signedOutCount\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      revokedSessionId\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      revokedSessionId\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AccountSessionsChanged {\n    accountSessionsChanged {\n      ...AccountFields\n    }\n  }\n"): (typeof documents)["\n  subscription AccountSessionsChanged {\n    accountSessionsChanged {\n      ...AccountFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CurrentSessionEnded {\n    currentSessionEnded {\n      sessionId\n      reason\n    }\n  }\n"): (typeof documents)["\n  subscription CurrentSessionEnded {\n    currentSessionEnded {\n      sessionId\n      reason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      session {\n        id\n        authenticatedAt\n        sudoExpiresAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      session {\n        id\n        authenticatedAt\n        sudoExpiresAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SecurityEventFields on SecurityEvent {\n    id\n    type\n    occurredAt\n    ipAddress\n    location {\n      city\n      country\n    }\n    browser\n    os\n    sessionId\n    actorSessionId\n    endedSessionCount\n    signInMethod\n  }\n"): (typeof documents)["\n  fragment SecurityEventFields on SecurityEvent {\n    id\n    type\n    occurredAt\n    ipAddress\n    location {\n      city\n      country\n    }\n    browser\n    os\n    sessionId\n    actorSessionId\n    endedSessionCount\n    signInMethod\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SecurityActivity($first: Int, $after: String) {\n    me {\n      id\n      securityEvents(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...SecurityEventFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SecurityActivity($first: Int, $after: String) {\n    me {\n      id\n      securityEvents(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            ...SecurityEventFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PasskeyFields on Passkey {\n    id\n    name\n    createdAt\n    lastUsedAt\n    synced\n  }\n"): (typeof documents)["\n  fragment PasskeyFields on Passkey {\n    id\n    name\n    createdAt\n    lastUsedAt\n    synced\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPasskeySignIn {\n    startPasskeySignIn {\n      optionsJson\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  mutation StartPasskeySignIn {\n    startPasskeySignIn {\n      optionsJson\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignInWithPasskey($input: PasskeySignInInput!) {\n    signInWithPasskey(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignInWithPasskey($input: PasskeySignInInput!) {\n    signInWithPasskey(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration {\n      optionsJson\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration {\n      optionsJson\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {\n    finishPasskeyRegistration(input: $input) {\n      ...PasskeyFields\n    }\n  }\n"): (typeof documents)["\n  mutation FinishPasskeyRegistration($input: FinishPasskeyRegistrationInput!) {\n    finishPasskeyRegistration(input: $input) {\n      ...PasskeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenamePasskey($id: ID!, $name: String!) {\n    renamePasskey(id: $id, name: $name) {\n      ...PasskeyFields\n    }\n  }\n"): (typeof documents)["\n  mutation RenamePasskey($id: ID!, $name: String!) {\n    renamePasskey(id: $id, name: $name) {\n      ...PasskeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id) {\n      ...AccountFields\n    }\n  }\n"): (typeof documents)["\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id) {\n      ...AccountFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n      qrCodeSvg\n    }\n  }\n"): (typeof documents)["\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      secret\n      otpauthUri\n      qrCodeSvg\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      recoveryCodes\n      signedOutCount\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      recoveryCodes\n      signedOutCount\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableTwoFactor($input: SecondFactorInput!) {\n    disableTwoFactor(input: $input) {\n      ...AccountFields\n    }\n  }\n"): (typeof documents)["\n  mutation DisableTwoFactor($input: SecondFactorInput!) {\n    disableTwoFactor(input: $input) {\n      ...AccountFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegenerateRecoveryCodes {\n    regenerateRecoveryCodes\n  }\n"): (typeof documents)["\n  mutation RegenerateRecoveryCodes {\n    regenerateRecoveryCodes\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteSignIn($input: CompleteSignInInput!) {\n    completeSignIn(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteSignIn($input: CompleteSignInInput!) {\n    completeSignIn(input: $input) {\n      user {\n        ...AccountFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReauthenticateWithSecondFactor($input: SecondFactorInput!) {\n    reauthenticateWithSecondFactor(input: $input) {\n      session {\n        id\n        authenticatedAt\n        sudoExpiresAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReauthenticateWithSecondFactor($input: SecondFactorInput!) {\n    reauthenticateWithSecondFactor(input: $input) {\n      session {\n        id\n        authenticatedAt\n        sudoExpiresAt\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;