/**
 * The shortest sequence it can find that still fails: removes chunks of
 * steps, halving the chunk size down to single steps, and keeps every
 * removal after which `fails` still says yes (ddmin without the
 * complement step). `fails` replays a candidate from a fresh account.
 */
export async function shrink<T>(
  steps: readonly T[],
  fails: (candidate: T[]) => Promise<boolean>,
): Promise<T[]> {
  let current = [...steps];
  for (let size = Math.max(1, Math.floor(current.length / 2)); size >= 1; size = Math.floor(size / 2)) {
    for (let start = 0; start < current.length;) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      if (candidate.length > 0 && (await fails(candidate))) current = candidate;
      else start += size;
    }
  }
  return current;
}

/** Two violations are the same defect when their messages differ only in ids and counts. */
export function sameDefect(a: string, b: string): boolean {
  const shape = (message: string) =>
    message
      .replace(/ \(step .*\)$/s, '')
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>')
      .replace(/\d+/g, '<n>');
  return shape(a) === shape(b);
}
