import type { AuthContext } from '../sessions/sessions.service.js';

// SessionGuard puts the request's AuthContext on `request.user` (the Express convention).
declare global {
  namespace Express {
    interface Request {
      user?: AuthContext;
      /**
       * The user this request acted as, for the request log: unlike `user`, it
       * survives signOut (which clears `user`), so that line still names them.
       */
      authenticatedUserId?: string;
    }
  }
}
