import type { AuthContext } from '../sessions/sessions.service.js';

// Passport puts whatever the strategy returned on `request.user`; ours is the AuthContext.
declare global {
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AuthContext {}
  }
}
