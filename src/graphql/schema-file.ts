import { join } from 'node:path';

import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GRAPHQL_SDL_FILE_HEADER, GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';

/** The code-first schema, committed so that every schema change shows up in review. */
export const SCHEMA_FILE = join(process.cwd(), 'schema.gql');

/** Exactly what Nest writes to `autoSchemaFile` with `sortSchema: true`. */
export function printSchemaFile(schema: GraphQLSchema): string {
  return GRAPHQL_SDL_FILE_HEADER + printSchema(lexicographicSortSchema(schema));
}

type ModuleRef = Type | DynamicModule | Promise<DynamicModule>;

/**
 * Builds the schema from the resolvers the given modules (and their imports)
 * provide, with no database and no HTTP server, as `npm run schema:print` needs.
 * A test compares it with the schema the running app serves, so a resolver in a
 * module this walk cannot reach fails the build instead of vanishing from the file.
 */
export async function buildSchemaOf(modules: ModuleRef[]): Promise<GraphQLSchema> {
  const context = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    // Non-resolver providers are harmless here: the factory only picks up
    // classes that carry resolver metadata.
    return await context.get(GraphQLSchemaFactory).create(providerClassesOf(modules));
  } finally {
    await context.close();
  }
}

function providerClassesOf(modules: ModuleRef[]): Type[] {
  const classes = new Set<Type>();
  const seen = new Set<unknown>();
  const visit = (ref: ModuleRef): void => {
    if (seen.has(ref) || ref instanceof Promise) return;
    seen.add(ref);
    const dynamic = typeof ref === 'function' ? undefined : ref;
    const moduleClass = typeof ref === 'function' ? ref : ref.module;
    const providers = [
      ...((Reflect.getMetadata('providers', moduleClass) as unknown[] | undefined) ?? []),
      ...(dynamic?.providers ?? []),
    ];
    for (const provider of providers) if (typeof provider === 'function') classes.add(provider as Type);
    const imports = [
      ...((Reflect.getMetadata('imports', moduleClass) as ModuleRef[] | undefined) ?? []),
      ...((dynamic?.imports as ModuleRef[] | undefined) ?? []),
    ];
    imports.forEach(visit);
  };
  modules.forEach(visit);
  return [...classes];
}
