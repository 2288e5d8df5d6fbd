import 'reflect-metadata';

import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';

import { GRAPHQL_API_MODULES } from '../app.module.js';
import { buildSchemaOf, printSchemaFile, SCHEMA_FILE } from '../graphql/schema-file.js';

/** `npm run schema:print`: regenerates schema.gql from the code, without a database. */
const schema = await buildSchemaOf(GRAPHQL_API_MODULES);
await writeFile(SCHEMA_FILE, printSchemaFile(schema));
console.log(`Wrote ${relative(process.cwd(), SCHEMA_FILE)}`);
