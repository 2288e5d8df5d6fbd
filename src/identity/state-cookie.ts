import { Signer } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What travels from the start of a sign-in to its callback, signed, in the browser's cookie. */
export interface SignInState {
  /** The provider the flow was started for: a callback for another one is refused. */
  readonly providerId: string;
  /** openid-client's `{ code_verifier, state, nonce, max_age }`. */
  readonly strategyState: unknown;
  /** Where the browser goes afterwards (already checked against the allowed origins). */
  readonly returnTo: string;
  /** Set when the flow links an identity to this signed-in session's account. */
  readonly link: SessionRef | null;
  /** Set when the flow is a step-up: this session's sudo window reopens if the same person signs in again. */
  readonly reauthenticate: SessionRef | null;
}

export interface SessionRef {
  readonly userId: string;
  readonly sessionId: string;
}

// In production the `__Host-` prefix: browsers accept it only from this host,
// Secure, with Path=/ and no Domain, so a sibling subdomain cannot plant its own
// (signed, valid) state in a victim's browser to finish the attacker's sign-in there.
const PRODUCTION_COOKIE = '__Host-oidc_state';
const DEVELOPMENT_COOKIE = 'oidc_state';
const DEVELOPMENT_PATH = '/auth/oidc/';
// Long enough to type a password at the provider, short enough that a
// forgotten tab's state is useless soon after.
const LIFETIME_SECONDS = 600;

/**
 * PKCE verifier, state and nonce bound to the browser that started the
 * sign-in: an HttpOnly cookie, signed (HMAC, OIDC_STATE_SECRET) so it cannot
 * be forged, with its own expiry inside so an old copy is refused even if a
 * browser kept it. SameSite=Lax: the provider's redirect back is a top-level
 * GET, which carries it. One per app, with that app's secret.
 */
export class StateCookie {
  private readonly signer: Signer;

  constructor(
    secret: string,
    private readonly secure: boolean,
  ) {
    this.signer = new Signer(secret);
  }

  write(reply: FastifyReply, state: SignInState): void {
    const payload = JSON.stringify({ ...state, expiresAt: Date.now() + LIFETIME_SECONDS * 1000 });
    const value = this.signer.sign(Buffer.from(payload).toString('base64url'));
    void reply.setCookie(this.name, value, { ...this.options, maxAge: LIFETIME_SECONDS });
  }

  /** The state, once: the cookie is cleared whatever it held. `null` when missing, tampered or expired. */
  take(request: FastifyRequest, reply: FastifyReply): SignInState | null {
    const raw = request.cookies[this.name];
    void reply.clearCookie(this.name, this.options);
    if (!raw) return null;
    const unsigned = this.signer.unsign(raw);
    if (!unsigned.valid || unsigned.value === null) return null;
    try {
      const parsed = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString()) as SignInState & {
        expiresAt: number;
      };
      return parsed.expiresAt > Date.now() ? parsed : null;
    } catch {
      return null;
    }
  }

  private get name(): string {
    return this.secure ? PRODUCTION_COOKIE : DEVELOPMENT_COOKIE;
  }

  private get options() {
    const path = this.secure ? '/' : DEVELOPMENT_PATH;
    return { httpOnly: true, sameSite: 'lax' as const, path, secure: this.secure };
  }
}
