import { isCrossSite } from './cross-site-rule.js';

describe('isCrossSite', () => {
  const allowed = new Set(['https://app.example.com']);

  it('lets through this service itself, an allowed origin and clients that send no browser headers', () => {
    expect(isCrossSite({ origin: 'https://api.example.com', host: 'api.example.com' }, allowed)).toBe(false);
    expect(isCrossSite({ origin: 'https://app.example.com', host: 'api.example.com' }, allowed)).toBe(false);
    expect(isCrossSite({ host: 'api.example.com' }, allowed)).toBe(false);
  });

  it('refuses any other origin, an opaque one, and a browser that says cross-site without an Origin', () => {
    expect(isCrossSite({ origin: 'https://evil.example', host: 'api.example.com' }, allowed)).toBe(true);
    expect(isCrossSite({ origin: 'null', host: 'api.example.com' }, allowed)).toBe(true);
    expect(isCrossSite({ origin: 'https://api.example.com' }, allowed)).toBe(true);
    expect(isCrossSite({ 'sec-fetch-site': 'cross-site', host: 'api.example.com' }, allowed)).toBe(true);
  });
});
