import { CombinedGraphQLErrors } from '@apollo/client';

/** What to tell the user: the server's message, or each invalid field's. */
export function describeError(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors
      .flatMap((graphqlError) => {
        const fields = graphqlError.extensions?.fields as Record<string, string[]> | undefined;
        return fields ? Object.values(fields).flat() : [graphqlError.message];
      })
      .join(' ');
  }
  return error instanceof Error ? error.message : String(error);
}
