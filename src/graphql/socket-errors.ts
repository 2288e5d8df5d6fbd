import type { GraphQLError, GraphQLFormattedError } from 'graphql';

import { cappedErrors } from './client-errors.js';
import { createErrorFormatter } from './graphql-errors.js';

// What graphql-armor's blockFieldSuggestion does over HTTP: it is an Apollo plugin, so a socket never
// passed through it, and "Did you mean …" named the fields introspection hides.
const SUGGESTION = /Did you mean ".+"/g;
const SUGGESTION_MASK = '[Suggestion hidden]';

/**
 * The errors of an operation sent over WebSocket, as HTTP answers them: the
 * same formatter (codes, nothing internal in production, no echoed values),
 * suggestions hidden where introspection is off, at most 10, and the id the
 * log knows the connection by in `extensions.requestId`. Parse and validation
 * errors arrive with their code (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED).
 */
export function createSocketErrorFormatter(options: {
  isProduction: boolean;
  hideFieldSuggestions: boolean;
}) {
  const formatError = createErrorFormatter(options.isProduction);
  return (errors: readonly GraphQLError[], requestId: string): GraphQLFormattedError[] =>
    cappedErrors(
      errors.map((error) => {
        const json = error.toJSON();
        const message = options.hideFieldSuggestions
          ? json.message.replace(SUGGESTION, SUGGESTION_MASK)
          : json.message;
        const formatted = formatError({ ...json, message }, error);
        return { ...formatted, extensions: { ...formatted.extensions, requestId } };
      }),
    );
}
