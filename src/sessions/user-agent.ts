import { UAParser } from 'ua-parser-js';

interface DeviceDescription {
  /** Name and major version, e.g. `Chrome 131`. */
  readonly browser: string | null;
  /** e.g. `macOS`, `Windows`, `iOS`. */
  readonly os: string | null;
}

// ua-parser-js says "Mac OS"; account pages (and our clients) say "macOS".
const OS_DISPLAY_NAMES: Readonly<Record<string, string>> = { 'Mac OS': 'macOS' };

// ua-parser-js 1.x (MIT); 2.x is AGPL, which a library dropped into products cannot impose.
export function describeUserAgent(userAgent: string | null): DeviceDescription {
  if (!userAgent) return { browser: null, os: null };
  const { browser, os } = new UAParser(userAgent).getResult();
  return {
    browser: browser.name ? [browser.name, browser.major].filter(Boolean).join(' ') : null,
    os: os.name ? (OS_DISPLAY_NAMES[os.name] ?? os.name) : null,
  };
}
