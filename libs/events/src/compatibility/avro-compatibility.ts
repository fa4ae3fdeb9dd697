/**
 * Schema compatibility by Avro resolution rules, with the broken field named.
 *
 * Direction matters, and is easy to get backwards:
 * - BACKWARD: the NEW schema can read data written with the OLD one
 *   (consumers upgrade first). Adding a field needs a default; removing one is fine.
 * - FORWARD: the OLD schema can read data written with the NEW one
 *   (producers upgrade first). Removing a field needs it to have had a default.
 * - FULL: both. `_TRANSITIVE` checks against every earlier version, not just the latest.
 *
 * avsc's `createResolver` is the ground truth (it is what the serde uses to
 * read); the walk around it exists to say *which* field broke.
 */
import * as avro from 'avsc';
import type { CompatibilityIssue } from '../errors';
import type { CompatibilityLevel } from './compatibility-level';

/** A schema version to compare against, with a label for messages (e.g. `v3`). */
export interface VersionedSchema {
  readonly label: string;
  readonly schema: avro.Schema;
}

/**
 * Checks `candidate` against earlier versions (oldest first) under `level`.
 * Returns every issue found; an empty list means compatible.
 */
export function checkCompatibility(
  candidate: avro.Schema,
  previous: readonly VersionedSchema[],
  level: CompatibilityLevel,
): CompatibilityIssue[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const transitive = level.endsWith('_TRANSITIVE');
  const against = transitive ? previous : previous.slice(-1);
  const next = avro.Type.forSchema(candidate);
  const issues: CompatibilityIssue[] = [];
  for (const version of against) {
    const old = avro.Type.forSchema(version.schema);
    const rule = `${level}${transitive ? ` (against ${version.label})` : ''}`;
    if (level.startsWith('BACKWARD') || level.startsWith('FULL')) {
      issues.push(...readIssues(next, old, { rule, reader: 'the new schema', writer: version.label }));
    }
    if (level.startsWith('FORWARD') || level.startsWith('FULL')) {
      issues.push(...readIssues(old, next, { rule, reader: version.label, writer: 'the new schema' }));
    }
  }
  return issues;
}

/** Names used in messages: which rule is checked, and what the reader and writer schemas are called. */
export interface ReadLabels {
  readonly rule: string;
  readonly reader: string;
  readonly writer: string;
}

/** Everything that stops `reader` from reading data written with `writer`, field by field. */
export function readIssues(reader: avro.Type, writer: avro.Type, labels: ReadLabels): CompatibilityIssue[] {
  const issues: CompatibilityIssue[] = [];
  typeIssues(reader, writer, reader.name ?? reader.typeName, labels, issues);
  if (issues.length === 0) {
    // Our walk covers records, enums and leaves; anything subtler (say, inside
    // a union of records) still fails here with avsc's own words.
    try {
      reader.createResolver(writer);
    } catch (err) {
      issues.push(issue(reader.name ?? reader.typeName, labels, (err as Error).message));
    }
  }
  return issues;
}

function typeIssues(
  reader: avro.Type,
  writer: avro.Type,
  path: string,
  labels: ReadLabels,
  out: CompatibilityIssue[],
): void {
  if (reader instanceof avro.types.RecordType && writer instanceof avro.types.RecordType) {
    recordIssues(reader, writer, path, labels, out);
    return;
  }
  if (reader instanceof avro.types.EnumType && writer instanceof avro.types.EnumType) {
    const unknown = writer.symbols.filter((s) => !reader.symbols.includes(s));
    const fallback = (reader as avro.types.EnumType & { default?: string }).default;
    if (unknown.length > 0 && fallback === undefined) {
      out.push(
        issue(
          path,
          labels,
          `enum ${reader.name} in ${labels.reader} lacks symbol(s) ${unknown.join(', ')} that ${labels.writer} can write, and has no default symbol`,
        ),
      );
    }
    return;
  }
  try {
    reader.createResolver(writer);
  } catch {
    out.push(
      issue(
        path,
        labels,
        `field ${path} changed type: ${labels.reader} has ${describe(reader)}, ${labels.writer} has ${describe(writer)}, which does not promote to it`,
      ),
    );
  }
}

function recordIssues(
  reader: avro.types.RecordType,
  writer: avro.types.RecordType,
  path: string,
  labels: ReadLabels,
  out: CompatibilityIssue[],
): void {
  const readerNames = [reader.name, ...(reader.aliases ?? [])];
  if (writer.name !== undefined && !readerNames.includes(writer.name)) {
    out.push(
      issue(
        path,
        labels,
        `record ${writer.name} was renamed to ${reader.name} without an alias for the old name`,
      ),
    );
    return;
  }
  for (const field of reader.fields) {
    const match = [field.name, ...field.aliases].map((n) => writer.field(n)).find((f) => f !== undefined);
    const fieldPath = `${path}.${field.name}`;
    if (match === undefined) {
      if (field.defaultValue() === undefined) {
        out.push(
          issue(
            fieldPath,
            labels,
            `field ${fieldPath} is in ${labels.reader} but not in ${labels.writer} and has no default, so ${labels.reader} cannot read data written with ${labels.writer} (add a default, or an alias if it was renamed)`,
          ),
        );
      }
      continue;
    }
    typeIssues(field.type, match.type, fieldPath, labels, out);
  }
}

function issue(path: string, labels: ReadLabels, message: string): CompatibilityIssue {
  return { path, rule: labels.rule, message };
}

function describe(type: avro.Type): string {
  return type.name ?? type.typeName;
}
