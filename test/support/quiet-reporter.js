// `npm test`'s reporter: Jest's default one, less the "PASS <file>" line of a file
// that passed and printed nothing, so a passing run prints its summary (and, at a
// terminal, Jest's progress line) only. A failing file is reported as before: its
// header, its failures (with the logs the test environment held for them: see
// quiet-environment.js), its console output. TEST_LOGS=1 brings the PASS lines back.
import { DefaultReporter } from '@jest/reporters';

export default class QuietReporter extends DefaultReporter {
  printTestFileHeader(testPath, config, result) {
    const worthALine =
      process.env.TEST_LOGS === '1' ||
      result.numFailingTests > 0 ||
      result.testExecError !== undefined ||
      (result.console?.length ?? 0) > 0;
    if (worthALine) super.printTestFileHeader(testPath, config, result);
  }
}
