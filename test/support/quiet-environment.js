// The test environment of `npm test` (and of the scale tier): Node's, with the logs of a
// test held back and shown only if that test fails.
//
// What a test's code logs (the apps' JSON log, through testLogDestination() in
// test/support/test-log-sink.ts, and console.* once the tests run) goes to a buffer. When a
// test fails, the buffer (its own lines, and those of the hooks since the last test that
// passed) is added to its failure, so the report shows them under the test's name; when it
// passes, they are dropped. A failing hook writes them to stderr. Console output of the test
// file itself while it is collected (describe bodies: "skipped: …" notices) stays Jest's, as
// before; a dependency's while it is imported (oidc-provider's warning about Node 20) is held.
//
// TEST_LOGS=1 turns all this off: every line is written as it comes, as before.
// Jest loads this file itself, outside ts-jest: plain JavaScript.
import { Console } from 'node:console';
import { Writable } from 'node:stream';

import { TestEnvironment } from 'jest-environment-node';

/** A failing test shows at most its last this many lines (a retry storm can log thousands). */
const MAX_LINES = 300;

const SINK = '__testLogSink'; // read by test/support/test-log-sink.ts

export default class QuietEnvironment extends TestEnvironment {
  /** Written since the last test that passed. */
  held = [];

  streaming = process.env.TEST_LOGS === '1';

  constructor(config, context) {
    super(config, context);
    if (this.streaming) return;
    // A pino destination: pino writes each line as one string.
    this.global[SINK] = { write: (line) => this.hold(line) };
  }

  hold(text) {
    this.held.push(String(text));
  }

  async setup() {
    await super.setup();
    if (this.streaming) return;
    const stream = new Writable({
      write: (chunk, _encoding, done) => {
        this.hold(chunk.toString());
        done();
      },
    });
    this.heldConsole = new Console({ stdout: stream, stderr: stream, colorMode: false });
    // Set by Jest before setup(): while the file is collected, its own lines still go there.
    const jestConsole = this.global.console;
    const heldConsole = this.heldConsole;
    this.global.console = new Proxy(jestConsole, {
      // Decided when `console.warn` is read, so a line passed on keeps its origin (no frame of ours).
      get(target, property) {
        return (calledFromDependency() ? heldConsole : target)[property];
      },
    });
  }

  async handleTestEvent(event) {
    if (this.streaming) return;
    switch (event.name) {
      case 'run_start':
        this.global.console = this.heldConsole;
        break;
      case 'test_done':
        if (event.test.errors.length > 0 && this.held.length > 0) {
          event.test.errors.push(this.heldAsError());
        }
        this.held = [];
        break;
      case 'hook_failure':
        if (this.held.length > 0) {
          process.stderr.write(`\nLogs before the failing ${event.hook.type} hook:\n${this.heldText()}\n`);
        }
        this.held = [];
        break;
      case 'run_finish':
        this.held = [];
        break;
      default:
        break;
    }
  }

  heldText() {
    const lines = this.held.join('').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const shown = lines.slice(-MAX_LINES);
    const omitted = lines.length - shown.length;
    return [...(omitted > 0 ? [`(${omitted} earlier lines not shown)`] : []), ...shown].join('\n');
  }

  /** Jest prints an error's stack as it is: a stack that is only the text shows the text. */
  heldAsError() {
    const text = `Logs of this test (and of the hooks since the last test that passed; TEST_LOGS=1 prints every log as it comes):\n${this.heldText()}`;
    return { message: text, stack: text };
  }
}

/** Whether the console call being made comes from a package (its caller's frame is in node_modules/). */
function calledFromDependency() {
  // [0] "Error", [1] this function, [2] the proxy's get, [3] the code that reads console.warn.
  const caller = new Error().stack?.split('\n')[3] ?? '';
  return caller.includes('/node_modules/');
}
