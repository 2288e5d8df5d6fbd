/** A benchmark script's progress line on stdout. */
export function log(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}

/** Runs a benchmark script's `main`: exit 0 when it resolves, 1 with the stack when it throws. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
