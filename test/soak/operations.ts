import type { Answer, Cluster } from './harness.js';
import { aliveDevices, type Device, EventTally, type SoakUser } from './model.js';
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

const ME = `query { me { id email activeSessionCount sessions { id current }
  securityEvents(first: 3) { edges { node { type sessionId } } } } }`;
const AUTH = 'user { id } session { id } token';
/** Answers that say nothing about whether a change committed. */
const UNKNOWN = new Set(['SERVICE_UNAVAILABLE', 'TRANSPORT', 'INTERNAL_SERVER_ERROR']);

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
    );
    const payload = answer.data?.signUp;
    if (!payload) throw new Error(`sign-up failed: ${answer.code}`);
    const user: SoakUser = {
      id: payload.user.id,
      email,
      password,
      devices: [],
      events: new EventTally(),
      trace: [],
      busy: false,
    };
    user.events.add('SIGNED_UP', true);
    this.addDevice(user, payload.session.id, payload.token, index % 2);
    return user;
  }

  async run(user: SoakUser, given: Step): Promise<void> {
    const needsPassword = ['changePassword', 'reauthenticate'].includes(given.op);
    const step: Step = user.uncertainChange && needsPassword ? { ...given, op: 'signIn' } : given;
    user.trace.push(JSON.stringify(step));
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
    const gql = (query: string, variables: object = {}, token = device?.token): Promise<Answer> =>
      this.cluster.gql(device ? device.instance : step.instance, query, variables, token);
    switch (step.op) {
      case 'me': {
        const answer = await gql(ME);
        if (UNKNOWN.has(answer.code ?? '')) return;
        const me = answer.data?.me;
        if (!me) return fail(`alive session ${device!.sessionId} refused (${answer.code})`);
        if (me.id !== user.id || me.email !== user.email) fail(`me answered another user ${me.id}`);
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
            if (groups.has(group) && groups.get(group) !== alive && group !== -1)
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
        const answer = await gql(
          `mutation($i: SignInInput!) { signIn(input: $i) { ${AUTH} } }`,
          {
            i: { email: user.email, password },
          },
          undefined,
        );
        const payload = answer.data?.signIn;
        if (UNKNOWN.has(answer.code ?? ''))
          return this.unknownEvent(user, wrong ? 'SIGN_IN_FAILED' : 'SIGNED_IN');
        if (wrong) {
          if (answer.code !== 'UNAUTHENTICATED') fail(`wrong password answered ${answer.code}`);
          return user.events.add('SIGN_IN_FAILED', true);
        }
        if (settling && !payload && answer.code !== 'UNAUTHENTICATED')
          fail(`sign-in answered ${answer.code}`);
        if (settling) return this.settleChange(user, settling, payload, step.instance, fail);
        if (!payload) return fail(`sign-in with the current password refused: ${answer.code}`);
        if (payload.user.id !== user.id) fail(`sign-in answered another user`);
        user.events.add('SIGNED_IN', true);
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
          user.uncertainChange = { newPassword: next, ends: (step.signOutOthers ?? true) ? others : [] };
          for (const d of user.uncertainChange.ends) d.state = 'unknown';
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
    change: { newPassword: string; ends: Device[] },
    payload: { user: { id: string }; session: { id: string }; token: string } | undefined,
    instance: number,
    fail: (message: string) => never,
  ): Promise<void> {
    user.uncertainChange = undefined;
    if (!payload) {
      user.events.add('SIGN_IN_FAILED', true);
      for (const d of change.ends) if (d.state === 'unknown') d.state = 'alive';
      return;
    }
    if (payload.user.id !== user.id) fail('sign-in answered another user');
    user.password = change.newPassword;
    user.events.add('SIGNED_IN', true);
    user.events.unknown.set('PASSWORD_CHANGED', (user.events.unknown.get('PASSWORD_CHANGED') ?? 1) - 1);
    user.events.add('PASSWORD_CHANGED', true);
    await this.ended(user, change.ends, fail);
    this.addDevice(user, payload.session.id, payload.token, instance);
  }

  private unknownEnd(user: SoakUser, devices: Device[], type: string): void {
    const group = ++this.counter;
    for (const d of devices) {
      d.state = 'unknown';
      d.unknownGroup = group;
    }
    this.unknownEvent(user, type);
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

  /** After the run: every ended session's socket closed (bounded wait, not a timing assertion). */
  async settle(): Promise<void> {
    for (const [user, device] of this.pendingCloses)
      if (!(await this.cluster.closedAfterEnd(device, 30_000)))
        throw new Violation(`ended session ${device.sessionId}'s live connection stayed open`, user);
  }
}
