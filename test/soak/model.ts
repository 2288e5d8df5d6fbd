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
   * A password change whose answer was lost: the password it set, and the
   * sessions it would have ended; settled by the next sign-in.
   */
  uncertainChange?: { newPassword: string; ends: Device[] };
  readonly devices: Device[];
  readonly events: EventTally;
  /** The operations run for this user, in order: its part of a failing run, to replay. */
  readonly trace: string[];
  busy: boolean;
}

export function aliveDevices(user: SoakUser): Device[] {
  return user.devices.filter((device) => device.state === 'alive');
}
