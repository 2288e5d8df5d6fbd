import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { ConfigValidationError } from './config-validation.error.js';

// Their values are never echoed in an error message: they may hold a password.
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'DATABASE_MIGRATION_URL',
  'DATABASE_LISTEN_URL',
  'OIDC_PROVIDERS',
  'OIDC_STATE_SECRET',
  'SMTP_URL',
  'TWO_FACTOR_ENCRYPTION_KEY',
]);

type SectionClasses = Record<string, ClassConstructor<object>>;
export type Sections<T extends SectionClasses> = { [K in keyof T]: InstanceType<T[K]> };

/**
 * Every section of the configuration read from the same environment and
 * validated, each a class of its own (composed, not a chain of inheritance);
 * every bad variable of every section named at once.
 */
export function readSections<T extends SectionClasses>(env: NodeJS.ProcessEnv, classes: T): Sections<T> {
  // Unset and empty variables take their defaults, as they would in a shell script.
  const defined = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const sections = Object.fromEntries(
    Object.entries(classes).map(([name, section]) => [name, plainToInstance(section, defined)]),
  ) as Sections<T>;
  const errors = Object.values<object>(sections).flatMap((section) =>
    // A section with no decorators (OIDC is parsed by hand) is not an "unknown value".
    validateSync(section, { whitelist: false, forbidUnknownValues: false }),
  );
  if (errors.length > 0) {
    throw new ConfigValidationError(
      errors.flatMap((error) =>
        // One line per distinct message: "abc" fails IsInt, Min and Max with the same words.
        [...new Set(Object.values(error.constraints ?? {}))].map((message) =>
          SECRET_VARIABLES.has(error.property)
            ? message
            : `${message} (got ${JSON.stringify(env[error.property] ?? error.value)})`,
        ),
      ),
    );
  }
  return sections;
}

type Problems = { readonly problems: string[] };
type Settled<T extends readonly object[]> = { [K in keyof T]: Exclude<T[K], Problems> };

/**
 * The settings of sections that check their variables together, once none of
 * them has a problem; otherwise every problem of every section, thrown at once.
 */
export function withoutProblems<T extends readonly object[]>(...settings: T): Settled<T> {
  const problems = settings.flatMap((each) => ('problems' in each ? (each as Problems).problems : []));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return settings as unknown as Settled<T>;
}
