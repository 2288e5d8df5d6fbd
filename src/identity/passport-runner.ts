import passport from 'passport';

/** How one passport step ended: where to send the browser, who signed in, or why not. */
export type PassportOutcome<TUser> =
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'success'; readonly user: TUser }
  | { readonly kind: 'fail'; readonly reason: string }
  | { readonly kind: 'error'; readonly error: unknown };

/**
 * Runs a strategy instance through passport for one request, on Fastify.
 * The Authenticator belongs to the caller (one per app), and the strategy is
 * passed as an instance: nothing goes through passport's process-wide
 * registry (`passport.use`), so two apps in one process never share a
 * strategy. passport drives the strategy exactly as in Express; the only
 * Express-shaped thing it touches is a response it redirects through, which
 * this records instead of writing.
 */
export function runStrategy<TUser>(
  authenticator: passport.Authenticator,
  strategy: passport.Strategy,
  request: object,
  options: object,
): Promise<PassportOutcome<TUser>> {
  return new Promise((resolve) => {
    let location = '';
    const response = {
      statusCode: 200,
      setHeader(name: string, value: string) {
        if (name.toLowerCase() === 'location') location = value;
      },
      end() {
        resolve({ kind: 'redirect', url: location });
      },
    };
    const middleware = authenticator.authenticate(
      strategy,
      { ...options, session: false },
      (error: unknown, user: TUser | false, info: unknown) => {
        if (error) resolve({ kind: 'error', error });
        else if (!user) resolve({ kind: 'fail', reason: reasonOf(info) });
        else resolve({ kind: 'success', user });
      },
    ) as (req: object, res: object, next: (error?: unknown) => void) => void;
    middleware(request, response, (error?: unknown) =>
      resolve({ kind: 'error', error: error ?? new Error('The strategy passed without a decision') }),
    );
  });
}

function reasonOf(info: unknown): string {
  if (typeof info === 'object' && info !== null && 'message' in info) return String(info.message);
  return 'authentication failed';
}
