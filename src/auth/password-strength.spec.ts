import { passwordWeakness } from './password-strength.js';

describe('passwordWeakness', () => {
  it.each([
    ['aaaaaaaa', /Repeated characters/],
    ['abcdefgh', /sequences/],
    ['Passw0rd!', /commonly used password/],
    ['Summer2024', /common words and patterns/],
    ['password', /most common passwords/],
    ['login2024!', /this service's name/],
  ])('refuses %j, saying why', (password, why) => {
    expect(passwordWeakness(password, 'someone@example.com')).toMatch(why);
  });

  it("refuses the email's local part with a small change", () => {
    expect(passwordWeakness('jane.doe1984', 'jane.doe@example.com')).toMatch(/your email address/);
  });

  it.each(['correct horse battery staple', 'plum kettle orbit seventeen', 'tsn9-Kq2-vzLw'])(
    'accepts %j',
    (password) => {
      expect(passwordWeakness(password, 'jane.doe@example.com')).toBeUndefined();
    },
  );
});
