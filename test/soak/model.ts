import type { LiveClient } from '../support/live-client.js';

/**
 * What the soak believes about each account, allowing for concurrency and
 * faults: a change the server acknowledged is certain; one whose answer was
 * lost (an outage, a killed instance) may or may not have committed, and is
 * "unknown" until an answer settles it.
 */
export type DeviceState = 'alive' | 'ended' | 'unknown';

export interface Device {
  sessionId: string;
  token: string;
  state: DeviceState;
  /** Index of the instance it talks to; moves when that instance dies. */
  instance: number;
  live?: LiveClient;
  /** When the server acknowledged the end of this session (ms since epoch). */
  endedAt?: number;
  /** Devices made unknown by one lost answer share a group: they must all end or none. */
  unknownGroup?: number;
  /** The close code its live connection got after it ended. */
  closedWith?: number;
  /** When its live connection closed, as the client saw it (ms since epoch). */
  closedAt?: number;
}

export class EventTally {
  readonly acknowledged = new Map<string, number>();
  readonly unknown = new Map<string, number>();

  add(type: string, certain: boolean): void {
    const map = certain ? this.acknowledged : this.unknown;
    map.set(type, (map.get(type) ?? 0) + 1);
  }
}

export interface SoakUser {
  readonly id: string;
  readonly email: string;
  password: string;
  /**
   * A password change whose answer was lost: the password it set, the
   * sessions it would have ended, and which of those were alive before it
   * (only they are alive again if it did not commit: one already unknown
   * stays unknown, its own lost change may have ended it); settled by the
   * next sign-in.
   */
  uncertainChange?: { newPassword: string; ends: Device[]; wereAlive: Device[] };
  readonly devices: Device[];
  /**
   * The user agents (indexes into AGENTS) the account has signed in from:
   * 'maybe' after a sign-in whose answer was lost. A sign-in from one it has
   * not used is a new device and mails an alert.
   */
  readonly agents: Map<number, 'known' | 'maybe'>;
  /** Acknowledged new-device alerts since the last "This wasn't me" or reset (each spends their links). */
  alertsSinceReport: number;
  emailVerified: boolean;
  /** After "This wasn't me": the password answers PASSWORD_RESET_REQUIRED until a reset. */
  mustReset: boolean;
  /** Confirmation mails the account must have been sent: between low (acknowledged) and high (+ lost answers). */
  readonly verificationMails: { low: number; high: number };
  readonly events: EventTally;
  /**
   * Groups of lost changes whose devices another lost change may also have
   * ended: neither change's "all of its sessions or none" can be checked.
   */
  readonly overlappedGroups: Set<number>;
  /** The operations run for this user, in order: its part of a failing run, to replay. */
  readonly trace: string[];
  busy: boolean;
}

/** The browsers the soak's devices sign in with: each new one to an account is a new device. */
export const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
] as const;

/** A user as the model knows it right after sign-up (with agent 0): its one session is added by the caller. */
export function signedUpUser(id: string, email: string, password: string): SoakUser {
  const user: SoakUser = {
    id,
    email,
    password,
    devices: [],
    agents: new Map([[0, 'known']]),
    alertsSinceReport: 0,
    emailVerified: false,
    mustReset: false,
    verificationMails: { low: 1, high: 1 },
    events: new EventTally(),
    overlappedGroups: new Set(),
    trace: [],
    busy: false,
  };
  user.events.add('SIGNED_UP', true);
  return user;
}

export function aliveDevices(user: SoakUser): Device[] {
  return user.devices.filter((device) => device.state === 'alive');
}
