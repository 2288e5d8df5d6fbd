/**
 * Production refuses to start without SMTP_URL, MAIL_FROM and PUBLIC_APP_URL. Tests of
 * production behaviour that send no mail run with these: a port nothing
 * listens on, so a mail queued by mistake stays in the outbox.
 */
export const PRODUCTION_MAIL_ENV: Readonly<Record<string, string>> = {
  SMTP_URL: 'smtp://127.0.0.1:9',
  MAIL_FROM: 'Sessions <no-reply@example.com>',
  PUBLIC_APP_URL: 'https://app.example.com',
  // Production also names the key that seals authenticator secrets (a test key, never a real one).
  TWO_FACTOR_ENCRYPTION_KEY: '5f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f',
};
