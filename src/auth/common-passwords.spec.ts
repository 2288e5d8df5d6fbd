import { isCommonPassword } from './common-passwords.js';

describe('isCommonPassword', () => {
  it.each(['password', 'PASSWORD', ' password ', '12345678', 'qwertyuiop', 'iloveyou', 'sunshine'])(
    'knows %j',
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
    },
  );

  it.each(['correct horse battery staple', 'a brand new passphrase', 'tsn9-Kq2-vzLw'])(
    'lets %j through',
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
    },
  );
});
