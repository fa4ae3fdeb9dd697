/**
 * `nx g @eda/plugin:event <topic>`: an Avro schema for the values of `topic`
 * in libs/events/schemas, its subject `<topic>-value` in subjects.json (with
 * a compatibility level when given), the regenerated TypeScript types (the
 * same codegen as `npm run schemas:generate`, so the drift test stays green)
 * and the type's export from `@eda/events`.
 *
 * Running it again with the same options changes nothing; a record name or a
 * subject that already means something else is refused.
 */
import { posix } from 'node:path';
import { formatFiles, type Tree } from '@nx/devkit';
import {
  existingRecords,
  readSubjects,
  requireWorkspaceModule,
  SCHEMAS_DIR,
  SUBJECTS_FILE,
  type SubjectCatalog,
} from '../catalog';
import { assertTopicName, GeneratorOptionError, pascalCase } from '../naming';
import type { EventGeneratorSchema } from './schema';

/** The generated module and the library entry point that re-exports its types. */
export const GENERATED_TYPES_FILE = 'libs/events/src/generated/inventory-records.ts';
export const EVENTS_ENTRY_POINT = 'libs/events/src/index.ts';
const CODEGEN_MODULE = 'libs/events/scripts/avro-codegen.ts';
const RECORD_NAME = /^[A-Z][A-Za-z0-9]*$/;

interface Codegen {
  generateTypes(sources: ReadonlyArray<{ file: string; schema: unknown }>): string;
}

/** The record name for `options`. */
export function recordName(options: EventGeneratorSchema): string {
  return options.record ?? pascalCase(options.topic);
}

/** The `.avsc` text: a starting point the team edits before the first release. */
export function avroSchema(options: EventGeneratorSchema): string {
  const name = recordName(options);
  const key = { name: 'key', type: 'string', doc: 'The Kafka record key.' };
  const fields =
    options.shape === 'total'
      ? [
          key,
          { name: 'count', type: 'long', doc: 'Records counted for this key so far.' },
          {
            name: 'updatedAt',
            type: { type: 'long', logicalType: 'timestamp-millis' },
            doc: 'Timestamp of the latest record counted, in milliseconds since the Unix epoch (UTC).',
          },
        ]
      : [
          {
            name: 'id',
            type: { type: 'string', logicalType: 'uuid' },
            doc: 'Unique id of the event (UUID).',
          },
          key,
          {
            name: 'occurredAt',
            type: { type: 'long', logicalType: 'timestamp-millis' },
            doc: 'When it happened, in milliseconds since the Unix epoch (UTC).',
          },
        ];
  const schema = {
    type: 'record',
    name,
    namespace: options.namespace ?? 'eda.inventory',
    doc: options.doc ?? `Published to \`${options.topic}\`, keyed by \`key\`.`,
    fields,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Validates `options`; throws before anything is written. */
export function checkEvent(tree: Tree, options: EventGeneratorSchema): 'new' | 'unchanged' {
  assertTopicName(options.topic);
  const name = recordName(options);
  if (!RECORD_NAME.test(name)) {
    throw new GeneratorOptionError(`Record name "${name}" is invalid: PascalCase letters and digits.`);
  }
  const file = `${SCHEMAS_DIR}/${name}.avsc`;
  const subject = readSubjects(tree).subjects[`${options.topic}-value`];
  if (subject && subject.schema !== `${name}.avsc`) {
    throw new GeneratorOptionError(
      `Subject "${options.topic}-value" already carries ${subject.schema}; choose another topic.`,
    );
  }
  if (existingRecords(tree).has(name)) {
    if (subject && tree.read(file, 'utf-8') === avroSchema(options)) return 'unchanged';
    throw new GeneratorOptionError(
      `Record "${name}" already exists (${file}); pass --record with another name.`,
    );
  }
  return 'new';
}

/** Writes the schema, its subject, the types and the export; `checkEvent` must have passed. */
export function writeEvent(tree: Tree, options: EventGeneratorSchema): void {
  const name = recordName(options);
  const file = `${SCHEMAS_DIR}/${name}.avsc`;
  if (!tree.exists(file)) tree.write(file, avroSchema(options));

  const catalog = readSubjects(tree);
  const subject = `${options.topic}-value`;
  if (!catalog.subjects[subject]) {
    const entry = {
      schema: `${name}.avsc`,
      ...(options.compatibility ? { compatibility: options.compatibility } : {}),
    };
    tree.write(SUBJECTS_FILE, withSubject(tree.read(SUBJECTS_FILE, 'utf-8') ?? '', catalog, subject, entry));
  }

  regenerateTypes(tree);
  exportType(tree, name);
}

/**
 * subjects.json with `subject` added as the last entry, one line per subject
 * as the file is written by hand; any other layout is re-serialised.
 */
function withSubject(text: string, catalog: SubjectCatalog, subject: string, entry: object): string {
  const fields = Object.entries(entry).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const line = `    ${JSON.stringify(subject)}: { ${fields.join(', ')} }`;
  const oneLinePerSubject = /(\n {4}"[^"\n]+": \{[^\n]*\})\n {2}\}/;
  if (oneLinePerSubject.test(text)) return text.replace(oneLinePerSubject, `$1,\n${line}\n  }`);
  catalog.subjects[subject] = entry as SubjectCatalog['subjects'][string];
  return `${JSON.stringify(catalog, null, 2)}\n`;
}

/** Runs the schemas' codegen over the tree's `.avsc` files (sorted by name, as the script does). */
export function regenerateTypes(tree: Tree): void {
  const { generateTypes } = requireWorkspaceModule<Codegen>(tree, CODEGEN_MODULE);
  const sources = tree
    .children(SCHEMAS_DIR)
    .filter((f) => f.endsWith('.avsc'))
    .sort()
    .map((f) => ({
      file: f,
      schema: JSON.parse(tree.read(posix.join(SCHEMAS_DIR, f), 'utf-8') ?? '') as unknown,
    }));
  const text = generateTypes(sources);
  if (tree.read(GENERATED_TYPES_FILE, 'utf-8') !== text) tree.write(GENERATED_TYPES_FILE, text);
}

/** Re-exports the record's type from `@eda/events` unless it already is. */
function exportType(tree: Tree, name: string): void {
  const index = tree.read(EVENTS_ENTRY_POINT, 'utf-8') ?? '';
  if (new RegExp(`\\b(type )?${name}\\b`).test(index)) return;
  const lines = index.split('\n');
  const last = lines.reduce((at, l, i) => (l.includes("from './generated/inventory-records'") ? i : at), -1);
  const line = `export type { ${name} } from './generated/inventory-records';`;
  lines.splice(last < 0 ? lines.length : last + 1, 0, line);
  tree.write(EVENTS_ENTRY_POINT, lines.join('\n'));
}

/** The generator. */
export async function eventGenerator(tree: Tree, options: EventGeneratorSchema): Promise<void> {
  checkEvent(tree, options);
  writeEvent(tree, options);
  await formatFiles(tree);
}

export default eventGenerator;
