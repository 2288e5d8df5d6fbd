import { sameDefect, shrink } from '../soak/shrink.js';

/** The soak's shrinker (test/soak/shrink.ts), which turns a failing user's steps into the shortest it can find. */
describe("the soak's shrinker", () => {
  it('keeps only the steps the failure needs, in their order', async () => {
    const steps = Array.from({ length: 40 }, (_, index) => `step ${index}`);
    // Fails when step 7 comes before step 31: what a session reused after its end would look like.
    const fails = (candidate: string[]) =>
      Promise.resolve(
        candidate.includes('step 7') && candidate.indexOf('step 7') < candidate.indexOf('step 31'),
      );

    expect(await shrink(steps, fails)).toEqual(['step 7', 'step 31']);
  });

  it('returns the steps unchanged when nothing can go', async () => {
    const steps = ['sign in', 'revoke', 'me'];

    expect(await shrink(steps, (candidate) => Promise.resolve(candidate.length === 3))).toEqual(steps);
  });

  it('tells one defect from another by the message, whatever the ids and counts', () => {
    const a = 'ended session 0b5c2a7e-1f0e-4c1d-9a63-6f1c1f0f7a11 answered on instance 1 (step {"op":"me"})';
    const b =
      'ended session 9d0d7f3b-2c4e-4b8a-8f0e-0e6f4b1a2c3d answered on instance 0 (step {"op":"signOut"})';

    expect(sameDefect(a, b)).toBe(true);
    expect(sameDefect(a, 'activeSessionCount 3 ≠ 2 (step {"op":"me"})')).toBe(false);
  });
});
