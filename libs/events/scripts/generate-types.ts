/**
 * `npm run schemas:generate`: regenerates src/generated/inventory-records.ts
 * from schemas/*.avsc. Commit the result with the schema change.
 */
import { writeFileSync } from 'node:fs';
import { generateTypes, readSchemaSources } from './avro-codegen';
import { GENERATED_TYPES_FILE, SCHEMAS_DIR } from './schema-paths';

const source = generateTypes(readSchemaSources(SCHEMAS_DIR));
writeFileSync(GENERATED_TYPES_FILE, source);
console.log(`wrote ${GENERATED_TYPES_FILE}`);
