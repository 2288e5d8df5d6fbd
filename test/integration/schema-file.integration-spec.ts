import { readFileSync } from 'node:fs';

import { GraphQLSchemaHost } from '@nestjs/graphql';

import { GRAPHQL_API_MODULES } from '../../src/app.module.js';
import { buildSchemaOf, printSchemaFile, SCHEMA_FILE } from '../../src/graphql/schema-file.js';
import { useTestModule } from '../support/test-module.js';

describe('schema.gql', () => {
  const module = useTestModule();

  it('is committed exactly as the code generates it (run `npm run schema:print` after a schema change)', () => {
    const served = printSchemaFile(module.get(GraphQLSchemaHost).schema);

    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(served);
  });

  it('is what `npm run schema:print` writes: the database-free build sees every resolver the app serves', async () => {
    const printed = printSchemaFile(await buildSchemaOf(GRAPHQL_API_MODULES));

    expect(printed).toBe(printSchemaFile(module.get(GraphQLSchemaHost).schema));
  });
});
