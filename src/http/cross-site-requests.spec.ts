import { SitePolicy } from './cross-site-requests.js';

describe('SitePolicy', () => {
  const development = new SitePolicy({
    allowedOrigins: ['https://app.example.com'],
    publicApiOrigin: null,
    isProduction: false,
  });
  const production = new SitePolicy({
    allowedOrigins: ['https://app.example.com'],
    publicApiOrigin: 'https://api.example.com',
    isProduction: true,
  });

  it('lets through a page of this service, an allowed origin and clients that send no browser headers', () => {
    expect(development.isCrossSite({ origin: 'http://localhost:3000', host: 'localhost:3000' })).toBe(false);
    expect(production.isCrossSite({ origin: 'https://api.example.com', host: '10.0.0.7:3000' })).toBe(false);
    expect(production.isCrossSite({ origin: 'https://app.example.com', host: 'api.example.com' })).toBe(
      false,
    );
    expect(production.isCrossSite({ host: 'api.example.com' })).toBe(false);
  });

  it('refuses any other origin, an opaque one, and a browser that says cross-site without an Origin', () => {
    expect(development.isCrossSite({ origin: 'https://evil.example', host: 'localhost:3000' })).toBe(true);
    expect(development.isCrossSite({ origin: 'null', host: 'localhost:3000' })).toBe(true);
    expect(development.isCrossSite({ origin: 'http://localhost:3000' })).toBe(true);
    expect(production.isCrossSite({ 'sec-fetch-site': 'cross-site', host: 'api.example.com' })).toBe(true);
  });

  it('never takes an Origin that matches Host as its own in production (DNS rebinding)', () => {
    expect(production.isCrossSite({ origin: 'http://evil.test:3100', host: 'evil.test:3100' })).toBe(true);
  });

  it('serves only loopback hosts outside production, any host in production', () => {
    expect(development.servesHost('localhost:3000')).toBe(true);
    expect(development.servesHost('[::1]:3000')).toBe(true);
    expect(development.servesHost('app.localhost')).toBe(true);
    expect(development.servesHost('evil.test:3100')).toBe(false);
    expect(development.servesHost('localhost.evil.test')).toBe(false);
    expect(development.servesHost(undefined)).toBe(false);
    expect(production.servesHost('evil.test:3100')).toBe(true);
  });
});
