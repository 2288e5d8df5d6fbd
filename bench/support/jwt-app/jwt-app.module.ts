import { createSecretKey } from 'node:crypto';

import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  Module,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import {
  Context,
  Field,
  GqlExecutionContext,
  GraphQLModule,
  ID,
  ObjectType,
  Query,
  Resolver,
} from '@nestjs/graphql';
import { JwtModule, JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';

/**
 * "What users would pick instead", for the benchmark's table: the stateless
 * JWT set-up of the NestJS docs on the same stack as the app (Nest 12, Apollo
 * Server 5 code-first, Fastify adapter). The guard verifies an HS256 token's
 * signature and expiry; nothing is looked up, so a token stays valid until it
 * expires, whatever happened to the account meanwhile. No hardening, no
 * request log: what the docs' example has.
 *
 * The key: the docs pass the secret as a string, and jsonwebtoken (9) then
 * first tries to parse it as a public key (createPublicKey, which throws)
 * on every verify, measured at ~60 % of this app's CPU per request. Given as
 * a KeyObject (BENCH_JWT_KEY=key-object) verification is what HS256 costs. The
 * benchmark measures both, so the stateless row is not flattered nor handicapped.
 */
interface Claims {
  readonly sub: string;
}

type AuthenticatedRequest = FastifyRequest & { claims?: Claims };

@ObjectType('User')
class Me {
  @Field(() => ID)
  id!: string;
}

@Injectable()
class JwtAuthGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { req } = GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>();
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new UnauthorizedException();
    try {
      req.claims = await this.jwt.verifyAsync<Claims>(token, { algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }
}

@Resolver(() => Me)
class MeResolver {
  @Query(() => Me)
  @UseGuards(JwtAuthGuard)
  me(@Context('req') req: AuthenticatedRequest): Me {
    return { id: req.claims!.sub };
  }
}

@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true }),
    JwtModule.register({
      secret:
        process.env.BENCH_JWT_KEY === 'key-object'
          ? createSecretKey(Buffer.from(process.env.BENCH_JWT_SECRET ?? '', 'utf8'))
          : process.env.BENCH_JWT_SECRET,
      verifyOptions: { algorithms: ['HS256'] },
    }),
  ],
  providers: [MeResolver, JwtAuthGuard],
})
export class JwtAppModule {}
