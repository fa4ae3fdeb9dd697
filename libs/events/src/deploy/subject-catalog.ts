/**
 * Reads `schemas/subjects.json`: which schema file each subject carries and
 * the compatibility level it enforces. The one place to change a level.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as avro from 'avsc';
import { EventsError } from '../errors';
import { CompatibilityLevel, isCompatibilityLevel } from '../compatibility/compatibility-level';

/** One subject to deploy or check. */
export interface SubjectPlan {
  /** Registry subject, e.g. `items-value` (with the prefix applied, if any). */
  readonly subject: string;
  /** Schema file name within the schemas folder, e.g. `ItemTransaction.avsc`. */
  readonly schemaFile: string;
  /** Full record name, e.g. `eda.inventory.ItemTransaction`. */
  readonly recordName: string;
  /** Parsed schema. */
  readonly schema: avro.Schema;
  /** Level set on the subject and enforced by the gate. */
  readonly compatibility: CompatibilityLevel;
}

interface CatalogFile {
  defaultCompatibility?: string;
  subjects: Record<string, { schema: string; compatibility?: string }>;
}

/** Thrown when subjects.json or a schema file is malformed. */
export class SubjectCatalogError extends EventsError {
  constructor(detail: string) {
    super(
      'EDA_EVENTS_SUBJECT_CATALOG',
      `${detail}. Fix libs/events/schemas/subjects.json or the schema file.`,
    );
  }
}

/**
 * Loads every subject of `<schemasDir>/subjects.json`. `subjectPrefix` is
 * prepended to each subject, so tests deploy to throw-away subjects.
 */
export function loadSubjectCatalog(schemasDir: string, subjectPrefix = ''): SubjectPlan[] {
  const file = readJson<CatalogFile>(join(schemasDir, 'subjects.json'));
  const fallback = file.defaultCompatibility ?? 'BACKWARD_TRANSITIVE';
  return Object.entries(file.subjects ?? {}).map(([subject, entry]) => {
    const compatibility = entry.compatibility ?? fallback;
    if (!isCompatibilityLevel(compatibility)) {
      throw new SubjectCatalogError(`subject ${subject} has unknown compatibility "${compatibility}"`);
    }
    const schema = readJson<avro.Schema & { name?: string; namespace?: string }>(
      join(schemasDir, entry.schema),
    );
    return {
      subject: `${subjectPrefix}${subject}`,
      schemaFile: entry.schema,
      recordName: fullName(schema),
      schema,
      compatibility,
    };
  });
}

/** `namespace.Name` of a named schema. */
export function fullName(schema: { name?: string; namespace?: string }): string {
  if (!schema.name) throw new SubjectCatalogError('a subject schema must be a named record');
  return schema.name.includes('.') || !schema.namespace ? schema.name : `${schema.namespace}.${schema.name}`;
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new SubjectCatalogError(`cannot read ${path}: ${(err as Error).message}`);
  }
}
