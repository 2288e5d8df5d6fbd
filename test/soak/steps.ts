import { AGENTS, aliveDevices, type SoakUser } from './model.js';

/** One operation of one user, with every random choice already made (so a trace replays exactly). */
export interface Step {
  op:
    | 'me'
    | 'signIn'
    | 'signInWrong'
    | 'signOut'
    | 'revokeOther'
    | 'revokeOwn'
    | 'revokeForeign'
    | 'signOutOthers'
    | 'changePassword'
    | 'changePasswordWrong'
    | 'reauthenticate'
    | 'reauthenticateWrong'
    | 'signUpBad'
    | 'verifyEmail'
    | 'requestVerification'
    | 'resetPassword'
    | 'resetUnknown'
    | 'notMe';
  /** Index into the user's devices of the one making the request. */
  device?: number;
  /** Index into the user's devices of the session acted on. */
  target?: number;
  /** Index into AGENTS of the browser a sign-in comes from. */
  agent?: number;
  /** changePassword's signOutOtherSessions. */
  signOutOthers?: boolean;
  instance: number;
}

export type Random = () => number;

/** mulberry32: a small seeded generator, so SOAK_SEED replays the same choices. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIGHTS: [Step['op'], number][] = [
  ['me', 30],
  ['signIn', 14],
  ['signInWrong', 3],
  ['signOut', 6],
  ['revokeOther', 6],
  ['revokeOwn', 2],
  ['revokeForeign', 3],
  ['signOutOthers', 4],
  ['changePassword', 3],
  ['changePasswordWrong', 2],
  ['reauthenticate', 4],
  ['reauthenticateWrong', 2],
  ['signUpBad', 2],
  ['verifyEmail', 2],
  ['requestVerification', 1],
  ['resetPassword', 1],
  ['resetUnknown', 1],
  ['notMe', 2],
];
const TOTAL = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);

export function chooseStep(random: Random, user: SoakUser): Step {
  const instance = random() < 0.5 ? 0 : 1;
  const alive = aliveDevices(user).map((device) => user.devices.indexOf(device));
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const agent = Math.floor(random() * AGENTS.length);
  // Locked out by "This wasn't me": the owner resets the password before anything else.
  if (user.mustReset) return { op: 'resetPassword', instance };
  if (alive.length === 0) return { op: 'signIn', agent, instance };
  // Keep a handful of devices per user: sign in when few, end sessions when many.
  let roll = random() * TOTAL;
  let op: Step['op'] = 'me';
  for (const [candidate, weight] of WEIGHTS) {
    roll -= weight;
    if (roll < 0) {
      op = candidate;
      break;
    }
  }
  if (op === 'verifyEmail' && user.emailVerified) op = 'me';
  // Only a user who was sent an alert since the last report holds a live "This wasn't me" link.
  if (op === 'notMe' && user.alertsSinceReport === 0) op = 'signIn';
  if (op === 'signIn' && alive.length >= 6) op = 'signOut';
  if ((op === 'signOut' || op === 'revokeOwn') && alive.length <= 2) op = 'signIn';
  const device = pick(alive);
  const others = alive.filter((index) => index !== device);
  if (op === 'revokeOther' && others.length === 0) op = 'signIn';
  return {
    op,
    device,
    target: op === 'revokeOther' ? pick(others) : undefined,
    agent: op === 'signIn' ? agent : undefined,
    signOutOthers: op === 'changePassword' ? random() < 0.8 : undefined,
    instance,
  };
}
