/**
 * The compose file against the Compose Specification JSON schema. The schema is
 * the copy of compose-spec/compose-spec's `schema/compose-spec.json` that the
 * npm package dclint ships (schemas/compose.schema.json), pinned by its exact
 * version in package.json, so no network is needed.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ComposeCheck } from './compose-check';

let validator: ValidateFunction | undefined;

/** Path of the vendored Compose Specification schema. */
export function composeSchemaPath(): string {
  // dclint's `exports` map hides its files but exposes package.json.
  return join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
}

function compile(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(composeSchemaPath(), 'utf8')) as Record<string, unknown>;
    // The schema declares draft-07 via an https URL Ajv does not know by that spelling.
    delete schema['$schema'];
    // strict: false, because the schema uses annotation keywords such as `deprecated`.
    validator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return validator;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(root)';
  const extra =
    error.keyword === 'additionalProperties'
      ? ` '${String((error.params as { additionalProperty: string }).additionalProperty)}'`
      : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}

/** Validates a parsed, interpolated compose document; returns one line per violation. */
export function validateAgainstComposeSchema(doc: unknown): string[] {
  const validate = compile();
  return validate(doc) ? [] : (validate.errors ?? []).map(describe);
}

export const schemaCheck: ComposeCheck = {
  name: 'compose-schema',
  description: 'docker-compose.yml validates against the Compose Specification JSON schema',
  run: (ctx) => validateAgainstComposeSchema(ctx.compose).map((e) => `docker-compose.yml ${e}`),
};
