import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  buildSchema,
  type GraphQLField,
  type GraphQLInputField,
  GraphQLInputObjectType,
  GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

import { useTestModule } from '../support/test-module.js';

// A copy of the team's contract (../shared/contract/) is kept in the
// repository so that CI on a bare clone checks against it too: the base
// schema and each capability's file built so far, read as one document.
const CONTRACT_FILES = ['schema.graphql', 'live-updates.graphql'];
const contractText = (directory: string): string =>
  CONTRACT_FILES.map((file) => readFileSync(resolve(directory, file), 'utf8')).join('\n');
const CONTRACT = resolve('contract');
const SHARED_CONTRACT = resolve('../shared/contract');

type AnyField = GraphQLField<unknown, unknown> | GraphQLInputField;

function describeField(field: AnyField): string {
  const args = 'args' in field ? field.args.map((arg) => `${arg.name}: ${String(arg.type)}`).join(', ') : '';
  const defaultValue =
    'defaultValue' in field && field.defaultValue !== undefined
      ? ` = ${JSON.stringify(field.defaultValue)}`
      : '';
  return `${args ? `(${args})` : ''}: ${String(field.type)}${defaultValue}`;
}

function signatures(schema: GraphQLSchema, only?: (name: string) => boolean): Record<string, string> {
  const result: Record<string, string> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (!(type instanceof GraphQLObjectType || type instanceof GraphQLInputObjectType)) continue;
    const fields: Record<string, AnyField> = type.getFields();
    for (const field of Object.values(fields)) {
      const key = `${type.name}.${field.name}`;
      if (only && !only(key)) continue;
      result[key] = describeField(field);
    }
  }
  return result;
}

describe('GraphQL schema', () => {
  const module = useTestModule();

  const SAME_AS_SHARED = 'keeps its copy of the contract identical to the shared one';
  if (existsSync(SHARED_CONTRACT)) {
    it(SAME_AS_SHARED, () => {
      expect(contractText(CONTRACT)).toBe(contractText(SHARED_CONTRACT));
    });
  } else if (process.env.CI) {
    // In CI a missing shared contract means the copy goes unchecked: say so by failing.
    it(SAME_AS_SHARED, () => {
      throw new Error(
        `the shared contract is missing (${SHARED_CONTRACT}): CI must check it out next to this repository`,
      );
    });
  } else {
    // Outside CI (a clone without ../shared) the comparison cannot run: a named skip, not a pass.
    const reason = `skipped: no shared contract at ${SHARED_CONTRACT}`;
    console.warn(`schema contract: ${SAME_AS_SHARED} — ${reason}`);
    it.skip(`${SAME_AS_SHARED} (${reason})`, () => undefined);
  }

  it('has every contract type and field with the same type, nullability, arguments and defaults', () => {
    const contract = signatures(buildSchema(contractText(CONTRACT)));
    const served = signatures(module.get(GraphQLSchemaHost).schema, (key) => key in contract);

    expect(served).toEqual(contract);
    expect(Object.keys(contract).length).toBeGreaterThan(20);
  });

  it('names the date scalar DateTime, as the contract does', () => {
    expect(module.get(GraphQLSchemaHost).schema.getType('DateTime')).toBeDefined();
  });
});

describe('database schema', () => {
  const module = useTestModule();

  it('is exactly what the entities describe: generating a migration would produce nothing', async () => {
    const pending = await module.dataSource.driver.createSchemaBuilder().log();

    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('has the indexes the hot queries need', async () => {
    const indexes = await module.sql<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'sessions' ORDER BY indexname",
    );

    expect(indexes.map((index) => index.indexdef)).toEqual([
      // The cleanup job's scan for expired rows of every user.
      expect.stringContaining('"IDX_sessions_expires_at" ON public.sessions USING btree (expires_at)'),
      expect.stringContaining(
        '"IDX_sessions_user_id_expires_at" ON public.sessions USING btree (user_id, expires_at)',
      ),
      expect.stringContaining('"PK_sessions" ON public.sessions USING btree (id)'),
    ]);
  });
});
