import type { DestinationStream } from 'pino';

/**
 * Where a test's app writes its JSON log: the buffer of the test environment
 * (test/support/quiet-environment.js), shown only if the test fails; undefined (stdout, as
 * in production) with TEST_LOGS=1, or under a Jest config without that environment.
 */
export function testLogDestination(): DestinationStream | undefined {
  return (globalThis as { __testLogSink?: DestinationStream }).__testLogSink;
}
