import {
  describeHostileRequests,
  json,
  MB,
  operation,
  SIGN_IN,
  SIGN_UP,
} from '../../support/hostile-requests.js';

describeHostileRequests(
  'hostile requests: injection and oversized input in variables, emails and passwords',
  () => [
    // The variables
    [
      'variables of the wrong type',
      () => operation(SIGN_UP, { input: { email: 42, password: ['x'] } }),
      400,
      'BAD_USER_INPUT',
    ],
    ['a missing required variable', () => operation(SIGN_UP, {}), 400, 'BAD_USER_INPUT'],
    [
      'an extra input field',
      () =>
        operation(SIGN_UP, {
          input: { email: 'x@example.com', password: 'long enough password', isAdmin: true },
        }),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'variables that are not an object',
      () => json({ query: SIGN_UP, variables: 'input' }),
      400,
      'BAD_REQUEST',
    ],

    // Emails
    [
      'a unicode email at sign-in',
      () => operation(SIGN_IN, { input: { email: 'zoë@exämple.com', password: 'long enough password' } }),
      200,
      'UNAUTHENTICATED',
    ],
    [
      'a right-to-left override in an email',
      () =>
        operation(SIGN_UP, { input: { email: 'user\u202e@example.com', password: 'long enough password' } }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a null byte in an email',
      () =>
        operation(SIGN_UP, { input: { email: 'alice\u0000@example.com', password: 'long enough password' } }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'an SQL fragment as the email',
      () => operation(SIGN_IN, { input: { email: "' OR 1=1; DROP TABLE users; --", password: 'x' } }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'an SQL fragment inside a valid email',
      () =>
        operation(SIGN_IN, { input: { email: "o'neil'--@example.com", password: 'long enough password' } }),
      200,
      'UNAUTHENTICATED',
    ],
    [
      'an email of 300 characters',
      () =>
        operation(SIGN_UP, {
          input: { email: `${'a'.repeat(288)}@example.com`, password: 'long enough password' },
        }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'an email of 1 MB',
      () => operation(SIGN_IN, { input: { email: `${'a'.repeat(MB)}@example.com`, password: 'x' } }),
      413,
      'BAD_REQUEST',
    ],

    // Passwords
    [
      'a password of 10 MB at sign-in',
      () => operation(SIGN_IN, { input: { email: 'x@example.com', password: 'p'.repeat(10 * MB) } }),
      413,
      'BAD_REQUEST',
    ],
    [
      'a password of 10 MB at sign-up',
      () => operation(SIGN_UP, { input: { email: 'x@example.com', password: 'p'.repeat(10 * MB) } }),
      413,
      'BAD_REQUEST',
    ],
    [
      'a password of 129 characters at sign-in',
      () => operation(SIGN_IN, { input: { email: 'x@example.com', password: 'p'.repeat(129) } }),
      200,
      'BAD_USER_INPUT',
    ],
  ],
);
