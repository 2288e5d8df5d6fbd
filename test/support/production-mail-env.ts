/**
 * Production refuses to start without SMTP_URL, MAIL_FROM and PUBLIC_APP_URL. Tests of
 * production behaviour that send no mail run with these: a port nothing
 * listens on, so a mail queued by mistake stays in the outbox.
 */
export const PRODUCTION_MAIL_ENV: Readonly<Record<string, string>> = {
  SMTP_URL: 'smtp://127.0.0.1:9',
  MAIL_FROM: 'Sessions <no-reply@example.com>',
  PUBLIC_APP_URL: 'https://app.example.com',
};
