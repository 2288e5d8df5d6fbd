import type { AuthContext } from '../sessions/sessions.service.js';

// SessionGuard puts the request's AuthContext on `request.user` (the Express convention).
declare global {
  namespace Express {
    interface Request {
      user?: AuthContext;
    }
  }
}
