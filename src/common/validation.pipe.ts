import { type ValidationError, ValidationPipe } from '@nestjs/common';

import { InputValidationError } from './errors.js';

/**
 * Validates every `@Args()` DTO with class-validator and reports failures as
 * BAD_USER_INPUT with `extensions.fields`: `{ email: ['…'], password: ['…'] }`.
 * Validation runs before the resolver, so a rejected input changes nothing.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new InputValidationError(collectFieldErrors(errors)),
  });
}

function collectFieldErrors(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    const path = prefix + error.property;
    if (error.constraints) fields[path] = Object.values(error.constraints);
    Object.assign(fields, collectFieldErrors(error.children ?? [], `${path}.`));
  }
  return fields;
}
