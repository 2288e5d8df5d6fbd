import { Injectable } from '@nestjs/common';

import { ReauthenticationRequiredError } from '../common/errors.js';
import type { AppConfig } from '../config/app-config.js';
import { InjectConfig } from '../config/config.module.js';
import type { Transaction } from '../database/transaction.js';
import { UsersService } from '../users/users.service.js';
import { PasskeyCeremonies } from '../webauthn/passkey-ceremonies.js';
import type { StoredSession } from './session.types.js';
import { SessionStepUpRepository } from './session-step-up.repository.js';
import { isSessionId } from './session-token.js';

// Never a session's id: lets a malformed id still be judged by the window
// first, so the answer outside it is the same for every id.
const NO_SESSION = '00000000-0000-0000-0000-000000000000';

/**
 * Step-up ("sudo mode"): a session may end other sessions only within
 * SUDO_MODE_SECONDS of its last proof of identity (sign-in, sign-up,
 * reauthenticate, changePassword). Outside it, REAUTHENTICATION_REQUIRED and
 * nothing changes. The sign-out door (src/doors/) announces what it ends.
 */
@Injectable()
export class SessionStepUpService {
  constructor(
    private readonly sessions: SessionStepUpRepository,
    private readonly users: UsersService,
    private readonly passkeys: PasskeyCeremonies,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * REAUTHENTICATION_REQUIRED with the ways this account can answer it: its
   * password, or (an account without one) a fresh sign-in at its provider;
   * its authenticator app when that is on; its passkeys, with options to
   * answer with (their challenge is stored on its own, outside the refused
   * request's transaction, which rolls back).
   */
  async reauthenticationRequired(userId: string): Promise<ReauthenticationRequiredError> {
    const { hasPassword, totpEnabled, hasPasskey } = await this.users.proofsOf(userId);
    const passkeyOptions = hasPasskey ? (await this.passkeys.assertionOptions(userId)).optionsJson : null;
    return new ReauthenticationRequiredError(
      this.config.sudoModeSeconds,
      [
        hasPassword ? 'PASSWORD' : 'OIDC',
        ...(totpEnabled ? (['TOTP'] as const) : []),
        ...(hasPasskey ? (['PASSKEY'] as const) : []),
      ],
      passkeyOptions,
    );
  }

  /**
   * The one check of the sudo window for a gated action that is not itself an
   * ending of sessions (those check it in their DELETE): linking and unlinking
   * identities. By the database's clock, like the endings. Throws
   * REAUTHENTICATION_REQUIRED outside the window, or when the session has ended.
   */
  async requireSudo(userId: string, sessionId: string, transaction?: Transaction): Promise<void> {
    const fresh = await this.freshness(userId, sessionId, transaction);
    if (!fresh?.sudo) throw await this.reauthenticationRequired(userId);
  }

  /**
   * Adding a way to sign in needs a proof of identity given for it: a
   * reauthentication (password, a linked provider) within
   * CREDENTIAL_CHANGE_MAX_AGE_SECONDS. The sign-in's own freshness does not
   * count, so a stolen cookie cannot plant a way back in.
   */
  async requireCredentialChangeProof(
    userId: string,
    sessionId: string,
    transaction?: Transaction,
  ): Promise<void> {
    const fresh = await this.freshness(userId, sessionId, transaction);
    if (!fresh?.credentialChange) throw await this.reauthenticationRequired(userId);
  }

  private freshness(userId: string, sessionId: string, transaction?: Transaction) {
    if (!isSessionId(sessionId)) return Promise.resolve(undefined);
    const windows = {
      sudoSeconds: this.config.sudoModeSeconds,
      credentialChangeSeconds: this.config.credentialChangeMaxAgeSeconds,
    };
    return this.sessions.freshness(userId, sessionId, windows, transaction);
  }

  /** When the window of a session authenticated at `authenticatedAt` closes, for display; `null` once it has (or when off). */
  sudoExpiresAt(authenticatedAt: Date, now = Date.now()): Date | null {
    if (this.config.sudoModeSeconds === 0) return null;
    const expiresAt = authenticatedAt.getTime() + this.config.sudoModeSeconds * 1000;
    return expiresAt > now ? new Date(expiresAt) : null;
  }

  /** Ends every other active session of the user, if `actorId` is in its window; how many. */
  async endAllExcept(userId: string, actorId: string, transaction: Transaction): Promise<number> {
    const { allowed, ended } = await this.sessions.endAllExceptIfInWindow(
      userId,
      actorId,
      this.config.sudoModeSeconds,
      transaction,
    );
    if (!allowed) throw await this.reauthenticationRequired(userId);
    return ended;
  }

  /** Ends the user's other session `targetId`, if `actorId` is in its window; whether there was one. */
  async endOther(
    userId: string,
    actorId: string,
    targetId: string,
    transaction: Transaction,
  ): Promise<boolean> {
    const target = isSessionId(targetId) ? targetId.toLowerCase() : NO_SESSION;
    const { allowed, ended } = await this.sessions.endOneIfInWindow(
      userId,
      actorId,
      target,
      this.config.sudoModeSeconds,
      transaction,
    );
    if (!allowed) throw await this.reauthenticationRequired(userId);
    return ended > 0;
  }

  /** The session proved its user's identity just now; `undefined` when it has ended. */
  markAuthenticated(
    userId: string,
    sessionId: string,
    transaction: Transaction,
  ): Promise<StoredSession | undefined> {
    return this.sessions.markAuthenticated(userId, sessionId, transaction);
  }

  /** Closes the windows of the user's other sessions (a credential changed without them). */
  closeOtherWindows(userId: string, keepId: string, transaction: Transaction): Promise<number> {
    return this.sessions.closeWindowsExcept(userId, keepId, this.config.sudoModeSeconds, transaction);
  }
}
