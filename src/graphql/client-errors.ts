import type { GraphQLFormattedError } from 'graphql';

/** Longest message a client error carries; past it the text is cut. */
const MAX_MESSAGE_LENGTH = 300;
/** Errors one response carries; the rest are counted in a last one. */
export const MAX_ERRORS_PER_RESPONSE = 10;

/**
 * graphql-js throws these for requests the client got wrong, with no code of
 * their own (so they would be INTERNAL_SERVER_ERROR and logged with a stack).
 */
const CLIENT_MISTAKES: ReadonlyArray<{ message: RegExp; code: string; answer: string }> = [
  {
    message: /^Too many errors processing variables, error limit reached\. Execution aborted\.$/,
    code: 'BAD_USER_INPUT',
    answer: 'Too many invalid values in the variables; fix the ones reported and try again.',
  },
];

/** The client-caused error `message` stands for, as a code and a message to answer with. */
export function clientMistakeOf(message: string): { code: string; answer: string } | undefined {
  return CLIENT_MISTAKES.find((mistake) => mistake.message.test(message));
}

// graphql-js: `Variable "$x" got invalid value <the whole value> [at "x.path"]; <reason>`.
const VARIABLE_ERROR = /^Variable "\$([_A-Za-z][_0-9A-Za-z]{0,99})" got invalid value /;
const PATH = / at "([_0-9A-Za-z.[\]]{1,200})"; /;
/** Reasons that name fields and types only, never a value; anything else is summarised. */
const SAFE_REASONS = [
  /; (Field "[_0-9A-Za-z]{1,100}" is not defined by type "[_0-9A-Za-z]{1,100}"\.)(?: Did you mean [^;]{0,300})?$/,
  /; (Field "[_0-9A-Za-z]{1,100}" of required type "[_0-9A-Za-z!\][]{1,100}" was not provided\.)$/,
  /; (Expected non-nullable type "[_0-9A-Za-z!\][]{1,100}" not to be null\.)$/,
  /; (Expected type "[_0-9A-Za-z]{1,100}" to be an object\.)$/,
  /; (Expected type "[_0-9A-Za-z]{1,100}")\./,
];

/**
 * A variable error that names the variable, the path and the problem, and
 * never echoes the value: graphql-js prints the whole input object into every
 * message, so a sign-in with one unknown key repeated the password, and a body
 * of 12,000 unknown keys answered 50 copies of itself.
 */
export function withoutEchoedValue(message: string): string {
  const variable = VARIABLE_ERROR.exec(message);
  if (!variable) return capped(message);
  const path = PATH.exec(message)?.[1];
  const reason = SAFE_REASONS.map((pattern) => pattern.exec(message)?.[1]).find(Boolean);
  const where = path ? ` at "${path}"` : '';
  return capped(
    `Variable "$${variable[1]}" got invalid value${where}; ${reason ?? "the value does not match the variable's type."}`,
  );
}

function capped(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message;
}

/** At most MAX_ERRORS_PER_RESPONSE errors, the last saying how many more there were. */
export function cappedErrors(errors: readonly GraphQLFormattedError[]): GraphQLFormattedError[] {
  if (errors.length <= MAX_ERRORS_PER_RESPONSE) return [...errors];
  const kept = errors.slice(0, MAX_ERRORS_PER_RESPONSE - 1);
  const first = errors[0];
  return [
    ...kept,
    {
      message: `…and ${errors.length - kept.length} more errors like these.`,
      extensions: { code: first?.extensions?.code ?? 'BAD_USER_INPUT' },
    },
  ];
}
