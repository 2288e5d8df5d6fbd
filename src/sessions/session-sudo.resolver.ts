import { Parent, ResolveField, Resolver } from '@nestjs/graphql';

import { Session } from './session.model.js';
import { SessionStepUpService } from './session-step-up.service.js';

/** `Session.sudoExpiresAt`: derived from authenticatedAt and the configured window, when asked. */
@Resolver(() => Session)
export class SessionSudoResolver {
  constructor(private readonly stepUp: SessionStepUpService) {}

  @ResolveField(() => Date, {
    nullable: true,
    description:
      'Until when this session may take sensitive actions without proving identity again; null once the window is over.',
  })
  sudoExpiresAt(@Parent() session: Session): Date | null {
    return this.stepUp.sudoExpiresAt(session.authenticatedAt);
  }
}
