import type { OutgoingMail } from './mail.types.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Plain text and the same words in HTML: no remote images, no tracking, one link. */
function linkMail(
  to: string,
  subject: string,
  lines: readonly string[],
  action: string,
  link: string,
  linkTtlSeconds: number,
): OutgoingMail {
  const text = `${lines.join('\n\n')}\n\n${action}: ${link}\n`;
  const paragraphs = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('');
  const html = `<!doctype html><html><body>${paragraphs}<p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p></body></html>`;
  return { to, subject, text, html, link, linkTtlSeconds };
}

export function passwordResetMail(to: string, link: string, ttlSeconds: number): OutgoingMail {
  const ttlMinutes = Math.round(ttlSeconds / 60);
  return linkMail(
    to,
    'Reset your password',
    [
      'Someone asked to reset the password of your account. If it was you, follow the link below.',
      `The link works once, for ${ttlMinutes} minutes. If it was not you, ignore this mail: your password stays as it is.`,
    ],
    'Choose a new password',
    link,
    ttlSeconds,
  );
}

export function verificationMail(to: string, link: string, ttlSeconds: number): OutgoingMail {
  const ttlHours = Math.round(ttlSeconds / 3600);
  return linkMail(
    to,
    'Confirm your email address',
    [
      'Confirm that this address belongs to your account by following the link below.',
      `The link works once, for ${ttlHours} hours. If you did not create an account, ignore this mail.`,
    ],
    'Confirm my address',
    link,
    ttlSeconds,
  );
}

export interface SignInFacts {
  readonly device: string;
  /** The address it came from. */
  readonly ipAddress: string;
  /** Where that address appears to be ("Lagos, Nigeria", or the country alone); null when unknown. */
  readonly place: string | null;
  readonly time: string;
  /** How long the "This wasn't me" link works. */
  readonly linkTtlSeconds: number;
}

export function newSignInMail(to: string, link: string, facts: SignInFacts): OutgoingMail {
  return linkMail(
    to,
    'New sign-in to your account',
    [
      `Your account was signed in from a device it had not used before: ${facts.device}, from ${whereFrom(facts)}, at ${facts.time}.`,
      'If it was you, there is nothing to do.',
      "If it wasn't you, follow the link below: every session of your account ends, your password stops working, and we mail you a link to choose a new one.",
    ],
    "This wasn't me",
    link,
    facts.linkTtlSeconds,
  );
}

export interface SignInMethodChange extends SignInFacts {
  readonly change: 'added' | 'removed';
  /** e.g. "sign-in with Google". */
  readonly method: string;
}

export function signInMethodChangedMail(to: string, link: string, facts: SignInMethodChange): OutgoingMail {
  const added = facts.change === 'added';
  return linkMail(
    to,
    added ? 'A way to sign in was added to your account' : 'A way to sign in was removed from your account',
    [
      `${added ? 'Added' : 'Removed'}: ${facts.method}, from ${facts.device} at ${whereFrom(facts)}, at ${facts.time}.`,
      'If it was you, there is nothing to do.',
      "If it wasn't you, follow the link below: every session of your account ends, every linked sign-in is removed, your password stops working, and we mail you a link to choose a new one.",
    ],
    "This wasn't me",
    link,
    facts.linkTtlSeconds,
  );
}

export interface PasskeyChange extends SignInFacts {
  readonly change: 'added' | 'removed';
  /** The passkey's name, as the account's list shows it. */
  readonly name: string;
  /** Two-factor authentication turned on (the first second factor) or off (the last) with this change. */
  readonly twoFactorTurned: 'on' | 'off' | null;
}

export function passkeyChangedMail(to: string, link: string, facts: PasskeyChange): OutgoingMail {
  const added = facts.change === 'added';
  const twoFactorLine =
    facts.twoFactorTurned === 'on'
      ? [
          'Signing in now needs this passkey (or another second factor), and every other session was signed out.',
        ]
      : facts.twoFactorTurned === 'off'
        ? ['It was the last second factor: signing in now needs only one factor.']
        : [];
  return linkMail(
    to,
    added ? 'A passkey was added to your account' : 'A passkey was removed from your account',
    [
      `${added ? 'Added' : 'Removed'}: the passkey "${facts.name}", from ${facts.device} at ${whereFrom(facts)}, at ${facts.time}.`,
      ...twoFactorLine,
      'If it was you, there is nothing to do.',
      "If it wasn't you, follow the link below: every passkey added since this mail is removed, every session of your account ends, your password stops working, and we mail you a link to choose a new one.",
    ],
    "This wasn't me",
    link,
    facts.linkTtlSeconds,
  );
}

export interface TwoFactorChange extends SignInFacts {
  readonly on: boolean;
}

export function twoFactorChangedMail(to: string, link: string, facts: TwoFactorChange): OutgoingMail {
  const lines = facts.on
    ? [
        `Two-factor authentication was turned on for your account, with an authenticator app, from ${facts.device} at ${whereFrom(facts)}, at ${facts.time}. Every other session was signed out.`,
        'If it was you, there is nothing to do: keep your recovery codes somewhere safe.',
        "If it wasn't you, follow the link below: that authenticator app is removed, every session of your account ends, your password stops working, and we mail you a link to choose a new one.",
      ]
    : [
        `Two-factor authentication was turned off for your account, from ${facts.device} at ${whereFrom(facts)}, at ${facts.time}. Signing in now needs only one factor.`,
        'If it was you, there is nothing to do.',
        "If it wasn't you, follow the link below: every session of your account ends, your password stops working, and we mail you a link to choose a new one.",
      ];
  return linkMail(
    to,
    facts.on ? 'Two-factor authentication is on' : 'Two-factor authentication is off',
    lines,
    "This wasn't me",
    link,
    facts.linkTtlSeconds,
  );
}

export interface RecoveryCodeUse extends SignInFacts {
  readonly remaining: number;
}

export function recoveryCodeUsedMail(to: string, link: string, facts: RecoveryCodeUse): OutgoingMail {
  const left =
    facts.remaining === 0
      ? 'You have no recovery codes left: make new ones on the security page.'
      : `You have ${facts.remaining} recovery code${facts.remaining === 1 ? '' : 's'} left.`;
  return linkMail(
    to,
    'A recovery code was used',
    [
      `A recovery code of your account was used, from ${facts.device} at ${whereFrom(facts)}, at ${facts.time}. ${left}`,
      'If it was you, there is nothing to do.',
      "If it wasn't you, follow the link below: every session of your account ends, your password stops working, and we mail you a link to choose a new one.",
    ],
    "This wasn't me",
    link,
    facts.linkTtlSeconds,
  );
}

/** "102.88.34.1 (near Lagos, Nigeria)": the place is a guess, so the address stays beside it. */
function whereFrom(facts: SignInFacts): string {
  return facts.place ? `${facts.ipAddress} (near ${facts.place})` : facts.ipAddress;
}
