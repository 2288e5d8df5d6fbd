import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.js';

describe('recovery codes', () => {
  it('are ten distinct codes of four groups, in letters that are not confused with each other', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/);
  });

  it('match however they are typed back: capitals, no dashes, spaces', () => {
    const [code] = newRecoveryCodes();
    const stored = recoveryCodeHash(code);
    expect(recoveryCodeHash(code.toUpperCase())).toEqual(stored);
    expect(recoveryCodeHash(code.replace(/-/g, ''))).toEqual(stored);
    expect(recoveryCodeHash(code.replace(/-/g, ' '))).toEqual(stored);
    expect(recoveryCodeHash(`${code}x`)).not.toEqual(stored);
  });
});
