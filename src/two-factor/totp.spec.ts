import { generate } from 'otplib';

import { matchingTimeStep, newTotpSecret } from './totp.js';

describe('matchingTimeStep', () => {
  const secret = newTotpSecret();
  const now = Math.floor(Date.now() / 1000);
  const step = Math.floor(now / 30);

  it("gives the step of now's code and of its neighbours, a phone's clock a little off", async () => {
    for (const offset of [-1, 0, 1]) {
      const code = await generate({ secret, epoch: (step + offset) * 30 });
      expect(await matchingTimeStep(secret, code)).toBe(step + offset);
    }
  });

  it('accepts the code typed with a space, as apps show it', async () => {
    const code = await generate({ secret, epoch: step * 30 });
    expect(await matchingTimeStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`)).toBe(step);
  });

  it('refuses an old code, another secret, and anything but six digits', async () => {
    expect(await matchingTimeStep(secret, await generate({ secret, epoch: (step - 3) * 30 }))).toBeNull();
    expect(await matchingTimeStep(newTotpSecret(), await generate({ secret, epoch: step * 30 }))).toBeNull();
    for (const junk of ['', '12345', '1234567', 'abcdef', '12345a'])
      expect(await matchingTimeStep(secret, junk)).toBeNull();
  });
});
