import { allowedReturnTo } from './return-to.js';

const APP = 'https://app.example.com';

describe('allowedReturnTo', () => {
  it.each([
    ['https://app.example.com/security', 'https://app.example.com/security'],
    ['https://admin.example.com/x', 'https://admin.example.com/x'],
    ['https://evil.example/phish', APP],
    ['https://app.example.com.evil.example/', APP],
    ['//evil.example/', APP],
    ['javascript:alert(1)', APP],
    ['/relative', APP],
    [undefined, APP],
  ])('%s → %s', (returnTo, expected) => {
    expect(allowedReturnTo(returnTo, APP, ['https://admin.example.com'])).toBe(expected);
  });
});
