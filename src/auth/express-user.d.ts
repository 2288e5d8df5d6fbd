import type { AuthContext } from '../sessions/sessions.service.js';

// SessionGuard puts the request's AuthContext on `request.user` (the Express convention).
declare global {
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AuthContext {}
  }
}
