import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The rooms of src/ (docs/architecture.md): shared rooms serve every feature
 * and know none; features may use shared rooms and the features below them;
 * only the composition root (src/*.ts, src/cli/) wires everything together.
 */
const FEATURES = [
  'users',
  'webauthn',
  'sessions',
  'security-log',
  'mail',
  'doors',
  'auth',
  'rate-limit',
  'live',
  'identity',
  'two-factor',
  'passkeys',
];
const SHARED = ['common', 'config', 'database', 'http', 'graphql', 'logging', 'ide', 'health', 'geoip'];
const COMPOSITION_ROOT = String.raw`^\.\./(app\.[a-z.-]+|server|main)\.js$`;

/**
 * The import rule of a room: the rooms it must not import (relative imports
 * of them are refused with `why`), and the composition root, which no room
 * imports. `refused` empty: only the latter.
 */
function room(files, refused, why) {
  const refuseRooms = { regex: String.raw`^(\.\./)+(${refused.join('|')})/`, message: why };
  const refuseRoot = {
    regex: COMPOSITION_ROOT,
    message: 'Only the composition root imports the app module, the entity list or the server.',
  };
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: refused.length > 0 ? [refuseRooms, refuseRoot] : [refuseRoot] },
      ],
    },
  };
}

const boundaries = [
  room(
    SHARED.map((shared) => `src/${shared}/**/*.ts`),
    FEATURES,
    'A shared room (common, config, database, http, graphql, logging, ide, health, geoip) never imports a feature room: take what it needs as a parameter, or move the code into the feature.',
  ),
  room(
    ['src/users/**/*.ts'],
    FEATURES.filter((feature) => feature !== 'users'),
    'users/ is the bottom feature: it imports no other feature.',
  ),
  room(
    ['src/webauthn/**/*.ts'],
    FEATURES.filter((feature) => feature !== 'users' && feature !== 'webauthn'),
    'webauthn/ sits on users/ only: sessions/ (step-up), doors/ and passkeys/ build on its ceremonies.',
  ),
  room(
    ['src/sessions/**/*.ts'],
    ['security-log', 'mail', 'doors', 'auth', 'rate-limit', 'live', 'identity', 'two-factor', 'passkeys'],
    'sessions/ never imports security-log/, auth/, rate-limit/ or live/: they build on it, not the other way round.',
  ),
  room(
    ['src/security-log/**/*.ts'],
    ['mail', 'doors', 'auth', 'rate-limit', 'live', 'identity', 'two-factor', 'passkeys'],
    'security-log/ never imports mail/, doors/, auth/, rate-limit/ or live/: they write the log.',
  ),
  room(
    ['src/mail/**/*.ts'],
    ['security-log', 'doors', 'auth', 'rate-limit', 'live', 'identity', 'two-factor', 'passkeys'],
    'mail/ sends what the flows above it queue: it never imports them.',
  ),
  room(
    ['src/doors/**/*.ts'],
    ['auth', 'rate-limit', 'live', 'identity', 'two-factor', 'passkeys'],
    'doors/ is what every way in and out goes through: the flows (auth/, identity/, two-factor/, passkeys/) import it, never the reverse.',
  ),
  room(
    ['src/auth/**/*.ts', 'src/rate-limit/**/*.ts'],
    ['live', 'identity', 'two-factor', 'passkeys'],
    'live/, identity/, two-factor/ and passkeys/ build on auth/: auth/ and rate-limit/ never import them.',
  ),
  room(
    ['src/identity/**/*.ts'],
    ['live', 'two-factor', 'passkeys'],
    'identity/ never imports live/, two-factor/ or passkeys/.',
  ),
  room(
    ['src/two-factor/**/*.ts'],
    ['live', 'identity', 'passkeys'],
    'two-factor/ never imports live/, identity/ or passkeys/: they build beside it.',
  ),
  room(
    ['src/passkeys/**/*.ts'],
    ['live', 'identity', 'two-factor'],
    'passkeys/ never imports live/, identity/ or two-factor/: they build beside it.',
  ),
  room(['src/live/**/*.ts'], [], ''),
];

/**
 * SQL runs in one place per table (docs/architecture.md, "One SQL style"): a
 * `sql()` constant in that table's *.repository.ts, run by SqlRunner, or the
 * plumbing of src/database/. Everything else is refused the ways TypeORM (and
 * pg) offer to run a statement, so a service cannot grow a query by accident.
 * Syntax only: it refuses any `.query(` call, whatever its receiver.
 */
const SQL_HOME =
  "SQL goes in the table's *.repository.ts (a sql('<table>_<intent>', …) constant run by SqlRunner) or in src/database/, never here: call a repository method named for the intent.";
const sqlOnlyInRepositories = {
  files: ['src/**/*.ts'],
  ignores: ['src/**/*.repository.ts', 'src/database/**', 'src/cli/**'],
  rules: {
    'no-restricted-syntax': [
      'error',
      {
        selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='query']",
        message: `.query() runs SQL on a DataSource, EntityManager, QueryRunner or pg client. ${SQL_HOME}`,
      },
      {
        selector:
          'MemberExpression[property.name=/^(createQueryBuilder|createQueryRunner|createEntityManager|getRepository|getTreeRepository|getMongoRepository|getCustomRepository|withRepository|manager)$/]',
        message: `TypeORM's query builders, repositories and EntityManager stay out of this file. ${SQL_HOME}`,
      },
      {
        selector:
          "ImportDeclaration[source.value='@nestjs/typeorm'] > ImportSpecifier[imported.name=/^(InjectRepository|InjectEntityManager|InjectDataSource|getRepositoryToken)$/]",
        message: `No TypeORM repository, EntityManager or DataSource is injected here. ${SQL_HOME}`,
      },
      {
        selector: "MemberExpression[object.name='TypeOrmModule'][property.name='forFeature']",
        message: `No TypeORM repository is registered here. ${SQL_HOME}`,
      },
      // In the same list (a later no-restricted-syntax would replace this one): guards do
      // not run on field resolvers unless asked, so a `User` field goes through @OwnUserField.
      {
        selector:
          "ClassDeclaration:has(Decorator > CallExpression[callee.name='Resolver'] > ArrowFunctionExpression > Identifier[name='User']) MethodDefinition > Decorator > CallExpression[callee.name='ResolveField']",
        message:
          'A field of User is declared with @OwnUserField (src/auth/decorators/own-user-field.decorator.ts): only the user themself may read it.',
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.data/',
      'coverage/',
      'test-output/',
      'examples/',
      'bench/results/',
      '.cache/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Nest's decorators and class-validator take classes; empty DTO bodies are not a smell here.
      '@typescript-eslint/no-extraneous-class': 'off',
      // Packages first, then the project's own files, each group alphabetical: `--fix` sorts them.
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
    },
  },
  {
    // A file past this is doing more than one job: split it by job, not by line count.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: { 'max-lines': ['error', { max: 250, skipBlankLines: true, skipComments: false }] },
  },
  ...boundaries,
  sqlOnlyInRepositories,
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
