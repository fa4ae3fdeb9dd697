/** Where the schema sources and the generated module live, independent of the working directory. */
import { join } from 'node:path';

/** libs/events/schemas: the `.avsc` sources, subjects.json and history/. */
export const SCHEMAS_DIR = join(__dirname, '..', 'schemas');

/** The generated TypeScript module; never edit by hand. */
export const GENERATED_TYPES_FILE = join(__dirname, '..', 'src', 'generated', 'inventory-records.ts');
