import { setTimeout as sleep } from 'node:timers/promises';

import type { Answer, Cluster } from './harness.js';
import type { Inbox } from './inbox.js';
import { AGENTS, aliveDevices, type Device, signedUpUser, type SoakUser } from './model.js';
import type { Step } from './steps.js';

/** An invariant broken: carries the user whose trace reproduces it. */
export class Violation extends Error {
  constructor(
    message: string,
    readonly user: SoakUser,
  ) {
    super(message);
  }
}

const ME = `query { me { id email emailVerified activeSessionCount sessions { id current }
  securityEvents(first: 3) { edges { node { type sessionId } } } } }`;
const AUTH = 'user { id } session { id } token';
/** Answers that say nothing about whether a change committed. */
const UNKNOWN = new Set(['SERVICE_UNAVAILABLE', 'TRANSPORT', 'INTERNAL_SERVER_ERROR']);
/** How long a mutation whose answer was lost is retried before the outage counts as a defect. */
const RETRY_MS = 120_000;

/**
 * How long after an end (or after the fault window under way then) its socket may stay open: the
 * server's own bound under statement errors is about 7 s (docs/live-updates.md), and the soak's
 * client sees a close late by however long its own busy event loop takes to notice.
 */
export const CLOSE_BOUND_MS = 15_000;

const REQUEST_RESET = 'mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) }';

/** Runs one step against the cluster, updates the model, and checks what must hold after it. */
export class Operations {
  private readonly owner = new Map<string, SoakUser>();
  private readonly pendingCloses: [SoakUser, Device][] = [];
  private counter = 0;
  /** Live updates that named another user (checked at the end: they arrive outside any step). */
  readonly foreignUpdates: string[] = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly users: SoakUser[],
    private readonly inbox: Inbox,
  ) {}

  async signUp(index: number): Promise<SoakUser> {
    const email = `soak-${process.pid}-${index}@example.com`;
    const password = `soak password ${index} initial`;
    const answer = await this.cluster.gql(
      index % 2,
      `mutation($i: SignUpInput!) { signUp(input: $i) { ${AUTH} } }`,
      {
        i: { email, password },
      },
      undefined,
      AGENTS[0],
    );
    const payload = answer.data?.signUp;
    if (!payload) throw new Error(`sign-up failed: ${answer.code}`);
    const user = signedUpUser(payload.user.id, email, password);
    this.addDevice(user, payload.session.id, payload.token, index % 2);
    return user;
  }

  async run(user: SoakUser, given: Step): Promise<void> {
    // A lost password change is settled (by a sign-in) before anything that needs to know the password.
    const needsPassword = ['changePassword', 'reauthenticate', 'resetPassword', 'notMe'].includes(given.op);
    const step: Step = user.uncertainChange && needsPassword ? { ...given, op: 'signIn' } : given;
    user.trace.push(JSON.stringify(step));
    const counts = this.cluster.figures.operations;
    counts.set(step.op, (counts.get(step.op) ?? 0) + 1);
    const device = step.device === undefined ? undefined : user.devices[step.device];
    if (device?.state === 'alive' && !device.live) {
      if (device.closedWith === 4403)
        throw new Violation(
          `the live connection of alive session ${device.sessionId} was closed as ended`,
          user,
        );
      // Its instance died or the database was away when it connected: it moves to one that serves.
      if (!this.cluster.faultUnderway) this.watch(user, device);
    }
    const fail = (message: string): never => {
      throw new Violation(`${message} (step ${JSON.stringify(step)})`, user);
    };
    const gql = (
      query: string,
      variables: object = {},
      token = device?.token,
      userAgent?: string,
    ): Promise<Answer> =>
      this.cluster.gql(device ? device.instance : step.instance, query, variables, token, userAgent);
    switch (step.op) {
      case 'me': {
        const answer = await gql(ME);
        if (UNKNOWN.has(answer.code ?? '')) return;
        const me = answer.data?.me;
        if (!me) return fail(`alive session ${device!.sessionId} refused (${answer.code})`);
        if (me.id !== user.id || me.email !== user.email) fail(`me answered another user ${me.id}`);
        if (me.emailVerified !== user.emailVerified) fail(`emailVerified ${me.emailVerified}`);
        const listed = new Set<string>(me.sessions.map((s: { id: string }) => s.id));
        for (const id of listed) {
          const other = this.owner.get(id);
          if (other && other !== user) fail(`sessions listed ${other.email}'s session`);
        }
        const groups = new Map<number, boolean>();
        for (const d of user.devices) {
          if (d.state === 'unknown' && !user.uncertainChange) {
            const alive = listed.has(d.sessionId);
            const group = d.unknownGroup ?? -1;
            if (
              groups.has(group) &&
              groups.get(group) !== alive &&
              group !== -1 &&
              !user.overlappedGroups.has(group)
            )
              fail(`one lost change ended only some of its sessions (${d.sessionId})`);
            groups.set(group, alive);
            d.state = alive ? 'alive' : 'ended';
          }
          if (d.state === 'unknown') continue;
          if (d.state === 'alive' && !listed.has(d.sessionId))
            fail(`alive session ${d.sessionId} not listed`);
          if (d.state === 'ended' && listed.has(d.sessionId)) fail(`ended session ${d.sessionId} listed`);
        }
        if (me.activeSessionCount !== listed.size)
          fail(`activeSessionCount ${me.activeSessionCount} ≠ ${listed.size}`);
        return;
      }
      case 'signIn':
      case 'signInWrong': {
        const wrong = step.op === 'signInWrong';
        const settling = !wrong ? user.uncertainChange : undefined;
        const password = wrong ? 'not the password at all' : (settling?.newPassword ?? user.password);
        const agent = step.agent ?? 0;
        const answer = await gql(
          `mutation($i: SignInInput!) { signIn(input: $i) { ${AUTH} } }`,
          {
            i: { email: user.email, password },
          },
          undefined,
          AGENTS[agent],
        );
        const payload = answer.data?.signIn;
        if (UNKNOWN.has(answer.code ?? '')) {
          if (wrong) return this.unknownEvent(user, 'SIGN_IN_FAILED');
          this.signedInFrom(user, agent, false);
          return this.unknownEvent(user, 'SIGNED_IN');
        }
        if (wrong) {
          if (answer.code !== 'UNAUTHENTICATED') fail(`wrong password answered ${answer.code}`);
          return user.events.add('SIGN_IN_FAILED', true);
        }
        if (settling && !payload && answer.code !== 'UNAUTHENTICATED')
          fail(`sign-in answered ${answer.code}`);
        if (settling) return this.settleChange(user, settling, payload, step, fail);
        if (!payload) return fail(`sign-in with the current password refused: ${answer.code}`);
        if (payload.user.id !== user.id) fail(`sign-in answered another user`);
        user.events.add('SIGNED_IN', true);
        this.signedInFrom(user, agent, true);
        this.addDevice(user, payload.session.id, payload.token, step.instance);
        return;
      }
      case 'signOut': {
        const answer = await gql('mutation { signOut }');
        if (UNKNOWN.has(answer.code ?? '')) return this.unknownEnd(user, [device!], 'SIGNED_OUT');
        if (answer.data?.signOut !== true) fail(`signOut answered ${answer.code}`);
        user.events.add('SIGNED_OUT', true);
        return this.ended(user, [device!], fail);
      }
      case 'revokeOther':
      case 'revokeOwn':
      case 'revokeForeign': {
        let target =
          step.op === 'revokeOwn'
            ? device!
            : step.target === undefined
              ? undefined
              : user.devices[step.target];
        let id = target?.sessionId;
        if (step.op === 'revokeForeign') {
          const victim = this.users.find((u) => u !== user && aliveDevices(u).length > 0);
          id = victim ? aliveDevices(victim)[0].sessionId : '00000000-0000-4000-8000-000000000000';
          target = undefined;
        }
        const answer = await gql(
          'mutation($id: ID!) { revokeSession(id: $id) { revokedSessionId user { id } } }',
          { id },
        );
        if (UNKNOWN.has(answer.code ?? ''))
          return target ? this.unknownEnd(user, [target], 'SESSION_REVOKED') : undefined;
        if (!target) {
          // A closed sudo window is checked first, whichever id is asked for: it tells nothing either.
          if (answer.code !== 'NOT_FOUND' && answer.code !== 'REAUTHENTICATION_REQUIRED')
            fail(`revoking another user's session answered ${answer.code}`);
          return;
        }
        if (answer.code === 'REAUTHENTICATION_REQUIRED')
          return this.run(user, { ...step, op: 'reauthenticate' });
        if (answer.data?.revokeSession?.user.id !== user.id) fail(`revokeSession answered ${answer.code}`);
        user.events.add('SESSION_REVOKED', true);
        return this.ended(user, [target], fail);
      }
      case 'signOutOthers': {
        const others = user.devices.filter((d) => d !== device && d.state !== 'ended');
        const answer = await gql(
          'mutation { signOutOtherSessions { signedOutCount user { id activeSessionCount } } }',
        );
        if (UNKNOWN.has(answer.code ?? '')) return this.unknownEnd(user, others, 'OTHER_SESSIONS_SIGNED_OUT');
        if (answer.code === 'REAUTHENTICATION_REQUIRED')
          return this.run(user, { ...step, op: 'reauthenticate' });
        const payload = answer.data?.signOutOtherSessions;
        if (!payload || payload.user.id !== user.id)
          return fail(`signOutOtherSessions answered ${answer.code}`);
        if (payload.user.activeSessionCount !== 1)
          fail(`activeSessionCount ${payload.user.activeSessionCount} after signing out others`);
        user.events.add('OTHER_SESSIONS_SIGNED_OUT', true);
        return this.ended(user, others, fail);
      }
      case 'changePassword':
      case 'changePasswordWrong': {
        const wrong = step.op === 'changePasswordWrong';
        const next = `soak password ${user.email} ${++this.counter}`;
        const others = user.devices.filter((d) => d !== device && d.state !== 'ended');
        const answer = await gql(
          'mutation($i: ChangePasswordInput!) { changePassword(input: $i) { signedOutCount user { id } } }',
          {
            i: {
              currentPassword: wrong ? 'wrong current password' : user.password,
              newPassword: next,
              signOutOtherSessions: step.signOutOthers ?? true,
            },
          },
        );
        if (UNKNOWN.has(answer.code ?? '')) {
          if (wrong) return;
          const ends = (step.signOutOthers ?? true) ? others : [];
          const wereAlive = ends.filter((d) => d.state === 'alive');
          this.overlap(user, ends);
          user.uncertainChange = { newPassword: next, ends, wereAlive };
          for (const d of wereAlive) d.state = 'unknown';
          return this.unknownEvent(user, 'PASSWORD_CHANGED');
        }
        if (wrong) {
          if (answer.code !== 'BAD_USER_INPUT') fail(`wrong current password answered ${answer.code}`);
          return;
        }
        if (answer.data?.changePassword?.user.id !== user.id) fail(`changePassword answered ${answer.code}`);
        user.password = next;
        user.events.add('PASSWORD_CHANGED', true);
        if (step.signOutOthers ?? true) return this.ended(user, others, fail);
        return;
      }
      case 'reauthenticate':
      case 'reauthenticateWrong': {
        const wrong = step.op === 'reauthenticateWrong';
        const answer = await gql(
          'mutation($i: ReauthenticateInput!) { reauthenticate(input: $i) { session { id } } }',
          {
            i: { password: wrong ? 'not the password' : user.password },
          },
        );
        const type = wrong ? 'REAUTHENTICATION_FAILED' : 'REAUTHENTICATED';
        if (UNKNOWN.has(answer.code ?? '')) return this.unknownEvent(user, type);
        if (!wrong && answer.data?.reauthenticate?.session.id !== device!.sessionId)
          fail(`reauthenticate answered ${answer.code}`);
        if (wrong && !answer.code) fail('reauthenticate accepted a wrong password');
        return user.events.add(type, true);
      }
      case 'signUpBad': {
        const answer = await gql(
          'mutation($i: SignUpInput!) { signUp(input: $i) { token } }',
          {
            i: { email: 'not an email', password: 'x' },
          },
          undefined,
        );
        if (!UNKNOWN.has(answer.code ?? '') && answer.code !== 'BAD_USER_INPUT')
          fail(`bad sign-up answered ${answer.code}`);
        return;
      }
      case 'verifyEmail': {
        const token = await this.inbox.newestToken(user.email, 'verification');
        if (!token) return fail('the confirmation mail never arrived');
        const { answer, lost } = await this.untilDefinite(() =>
          gql('mutation($t: String!) { verifyEmail(token: $t) { id emailVerified } }', { t: token }, ''),
        );
        // Refused only because the lost attempt spent the link.
        if (answer.code === 'BAD_USER_INPUT' && !lost) fail('a fresh confirmation link was refused');
        const verified = answer.data?.verifyEmail;
        if (!verified && answer.code !== 'BAD_USER_INPUT') fail(`verifyEmail answered ${answer.code}`);
        if (verified && (verified.id !== user.id || !verified.emailVerified))
          fail(`verifyEmail answered ${JSON.stringify(verified)}`);
        user.emailVerified = true;
        return user.events.add('EMAIL_VERIFIED', true);
      }
      case 'requestVerification': {
        const answer = await gql('mutation { requestEmailVerification }');
        const lost = UNKNOWN.has(answer.code ?? '');
        if (!lost && answer.data?.requestEmailVerification !== true)
          fail(`requestEmailVerification answered ${answer.code}`);
        // A confirmed address is sent nothing.
        if (user.emailVerified) return;
        user.verificationMails.high++;
        if (!lost) user.verificationMails.low++;
        return;
      }
      case 'resetPassword': {
        const before = await this.inbox.queued(user.email, 'reset');
        if (before === undefined) return fail('the database stayed away for two minutes');
        const answer = await gql(REQUEST_RESET, { i: { email: user.email } }, '');
        if (!UNKNOWN.has(answer.code ?? '') && answer.data?.requestPasswordReset !== true)
          fail(`requestPasswordReset answered ${answer.code}`);
        const token = await this.inbox.newestToken(user.email, 'reset', before + 1);
        // The lookup runs after the answer; an outage then queues nothing, and the user asks again.
        if (!token) return this.unknownEvent(user, 'PASSWORD_RESET_REQUESTED');
        user.events.add('PASSWORD_RESET_REQUESTED', true);
        return this.completeReset(user, token, step.instance, fail);
      }
      case 'resetUnknown': {
        const answer = await gql(REQUEST_RESET, { i: { email: `nobody-${++this.counter}@example.com` } }, '');
        if (!UNKNOWN.has(answer.code ?? '') && answer.data?.requestPasswordReset !== true)
          fail(`requestPasswordReset of an unknown address answered ${answer.code}`);
        return;
      }
      case 'notMe':
        return this.reportUnrecognizedSignIn(user, step, fail);
    }
  }

  /** "This wasn't me" from the newest alert: everyone is put out, the password stops working, a reset link arrives. */
  private async reportUnrecognizedSignIn(user: SoakUser, step: Step, fail: (message: string) => never) {
    const token = await this.inbox.newestToken(user.email, 'alert');
    if (!token) return fail('the new-device alert never arrived');
    const resetsBefore = await this.inbox.queued(user.email, 'reset');
    if (resetsBefore === undefined) return fail('the database stayed away for two minutes');
    const others = user.devices.filter((d) => d.state !== 'ended');
    const { answer, lost } = await this.untilDefinite(() =>
      this.cluster.gql(step.instance, 'mutation($t: String!) { reportUnrecognizedSignIn(token: $t) }', {
        t: token,
      }),
    );
    if (answer.code === 'BAD_USER_INPUT' && !lost) fail(`a fresh "This wasn't me" link was refused`);
    if (answer.data?.reportUnrecognizedSignIn !== true && answer.code !== 'BAD_USER_INPUT')
      fail(`reportUnrecognizedSignIn answered ${answer.code}`);
    user.events.add('UNRECOGNIZED_SIGN_IN_REPORTED', true);
    user.alertsSinceReport = 0;
    user.mustReset = true;
    await this.ended(user, others, fail);
    const retry = await this.cluster.gql(
      step.instance,
      `mutation($i: SignInInput!) { signIn(input: $i) { ${AUTH} } }`,
      { i: { email: user.email, password: user.password } },
      undefined,
      AGENTS[0],
    );
    if (!UNKNOWN.has(retry.code ?? '') && retry.code !== 'PASSWORD_RESET_REQUIRED')
      fail(`the right password after "This wasn't me" answered ${retry.code ?? 'a session'}`);
    const resetToken = await this.inbox.newestToken(user.email, 'reset', resetsBefore + 1);
    // Still locked: the next step of this user asks for a new link.
    if (!resetToken) return;
    return this.completeReset(user, resetToken, step.instance, fail);
  }

  /** A new password from a reset link: every session ends, one new one starts. */
  private async completeReset(
    user: SoakUser,
    token: string,
    instance: number,
    fail: (message: string) => never,
  ): Promise<void> {
    const next = `soak password ${user.email} ${++this.counter}`;
    const others = user.devices.filter((d) => d.state !== 'ended');
    const { answer, lost } = await this.untilDefinite(() =>
      this.cluster.gql(
        instance,
        `mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { ${AUTH} } }`,
        { i: { token, newPassword: next } },
      ),
    );
    if (answer.code === 'BAD_USER_INPUT' && !lost) fail('a fresh reset link was refused');
    const payload = answer.data?.resetPassword;
    if (!payload && answer.code !== 'BAD_USER_INPUT') fail(`resetPassword answered ${answer.code}`);
    if (payload && payload.user.id !== user.id) fail('resetPassword answered another user');
    user.password = next;
    user.mustReset = false;
    // A reset spends the account's outstanding "This wasn't me" links (issue 24, item 6).
    user.alertsSinceReport = 0;
    user.events.add('PASSWORD_RESET', true);
    await this.ended(user, others, fail);
    // After a lost answer that committed, its session exists but its token is gone with the answer.
    if (payload) this.addDevice(user, payload.session.id, payload.token, instance);
  }

  /**
   * Sends until an answer says what happened: each of these mutations spends
   * a single-use link, so after a lost answer a repeat either does it or is
   * refused because the lost one did.
   */
  private async untilDefinite(send: () => Promise<Answer>): Promise<{ answer: Answer; lost: boolean }> {
    const deadline = Date.now() + RETRY_MS;
    let lost = false;
    for (;;) {
      const answer = await send();
      if (!UNKNOWN.has(answer.code ?? '') || Date.now() > deadline) return { answer, lost };
      lost = true;
      await sleep(250);
    }
  }

  /** A sign-in from a browser the account has not used mails an alert, in its transaction. */
  private signedInFrom(user: SoakUser, agent: number, certain: boolean): void {
    const seen = user.agents.get(agent);
    if (certain) {
      if (seen === undefined) {
        user.events.add('NEW_DEVICE_ALERT_SENT', true);
        user.alertsSinceReport++;
      } else if (seen === 'maybe') user.events.add('NEW_DEVICE_ALERT_SENT', false);
      user.agents.set(agent, 'known');
    } else if (seen !== 'known') {
      user.events.add('NEW_DEVICE_ALERT_SENT', false);
      user.agents.set(agent, 'maybe');
    }
  }

  /** Ended sessions: refused on both instances at their next request, their sockets closed. */
  private async ended(user: SoakUser, devices: Device[], fail: (message: string) => never): Promise<void> {
    const now = Date.now();
    for (const d of devices) {
      d.state = 'ended';
      d.endedAt = now;
      for (const instance of [0, 1]) {
        const answer = await this.cluster.gql(instance, 'query { me { id } }', {}, d.token);
        if (answer.data?.me) {
          this.cluster.figures.endedAnswered++;
          fail(`ended session ${d.sessionId} answered on instance ${instance}`);
        }
      }
      this.pendingCloses.push([user, d]);
    }
  }

  /**
   * A sign-in with the password a lost change would have set says whether it
   * committed: if so, every session it was to end must be refused (all of
   * them); if not, none of them may have ended.
   */
  private async settleChange(
    user: SoakUser,
    change: { newPassword: string; ends: Device[]; wereAlive: Device[] },
    payload: { user: { id: string }; session: { id: string }; token: string } | undefined,
    step: Step,
    fail: (message: string) => never,
  ): Promise<void> {
    user.uncertainChange = undefined;
    if (!payload) {
      user.events.add('SIGN_IN_FAILED', true);
      // Not committed: what it made unknown is alive again; what was unknown before stays so.
      for (const d of change.wereAlive) if (d.state === 'unknown') d.state = 'alive';
      return;
    }
    if (payload.user.id !== user.id) fail('sign-in answered another user');
    user.password = change.newPassword;
    user.events.add('SIGNED_IN', true);
    this.signedInFrom(user, step.agent ?? 0, true);
    user.events.unknown.set('PASSWORD_CHANGED', (user.events.unknown.get('PASSWORD_CHANGED') ?? 1) - 1);
    user.events.add('PASSWORD_CHANGED', true);
    await this.ended(user, change.ends, fail);
    this.addDevice(user, payload.session.id, payload.token, step.instance);
  }

  private unknownEnd(user: SoakUser, devices: Device[], type: string): void {
    const group = ++this.counter;
    this.overlap(user, devices, group);
    for (const d of devices.filter((device) => device.state === 'alive')) {
      d.state = 'unknown';
      d.unknownGroup = group;
    }
    this.unknownEvent(user, type);
  }

  /**
   * A lost change that may also end devices an earlier lost change left
   * unknown: either may have ended them, so neither change's "all of its
   * sessions or none" can be checked any more. Those devices keep their group.
   */
  private overlap(user: SoakUser, devices: Device[], group?: number): void {
    const earlier = devices.filter((d) => d.state === 'unknown' && d.unknownGroup !== undefined);
    if (earlier.length === 0) return;
    for (const d of earlier) user.overlappedGroups.add(d.unknownGroup!);
    if (group !== undefined) user.overlappedGroups.add(group);
  }

  private unknownEvent(user: SoakUser, type: string): void {
    user.events.add(type, false);
  }

  private addDevice(user: SoakUser, sessionId: string, token: string, instance: number): void {
    const device: Device = { sessionId, token, state: 'alive', instance };
    user.devices.push(device);
    this.owner.set(sessionId, user);
    this.watch(user, device);
  }

  private watch(user: SoakUser, device: Device): void {
    device.closedWith = undefined;
    this.cluster.connect(device, (changed) => {
      if (changed.id !== user.id) this.foreignUpdates.push(`${user.email} was sent ${changed.id}`);
    });
  }

  /**
   * After the run: every ended session's socket closed within CLOSE_BOUND_MS of its end, or of
   * the end of a fault window under way then (bounded wait, not a timing assertion).
   */
  async settle(): Promise<void> {
    for (const [user, device] of this.pendingCloses) {
      const deadline = this.cluster.closeDeadline(device.endedAt!, CLOSE_BOUND_MS);
      if (!(await this.cluster.closedBy(device, deadline))) {
        const how = device.live
          ? 'stayed open'
          : `closed ${device.closedAt! - device.endedAt!} ms after the end`;
        throw new Violation(
          `ended session ${device.sessionId}'s live connection ${how}, past ${CLOSE_BOUND_MS} ms after ` +
            `its end or the fault window under way`,
          user,
        );
      }
    }
  }
}
