const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `text` is a UUID (either case): an id from a client is checked
 * before it reaches a `uuid` column, where a malformed one would be a
 * database error rather than "not found".
 */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
