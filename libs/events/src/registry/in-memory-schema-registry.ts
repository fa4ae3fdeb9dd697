/**
 * A schema registry in process memory, for unit tests of code that uses the
 * serde (the way Kafka Streams ships a TopologyTestDriver). It keeps real
 * state (ids, versions, per-subject compatibility enforced with the same
 * Avro rules as the gate), so tests observe behaviour, not calls.
 * Integration tests use the real registry instead.
 */
import * as avro from 'avsc';
import { IncompatibleSchemaError, RecordContext, UnknownSchemaIdError } from '../errors';
import { checkCompatibility } from '../compatibility/avro-compatibility';
import type { CompatibilityLevel } from '../compatibility/compatibility-level';
import type { SchemaRegistryClient, SubjectVersion } from './schema-registry-client';

/** In-memory {@link SchemaRegistryClient}. Ids are global, starting at 1, shared across subjects like a real registry. */
export class InMemorySchemaRegistry implements SchemaRegistryClient {
  readonly url = 'memory://schema-registry';
  private readonly schemasById = new Map<number, string>();
  private readonly idByCanonical = new Map<string, number>();
  private readonly subjects = new Map<string, SubjectVersion[]>();
  private readonly levels = new Map<string, CompatibilityLevel>();

  /** @param defaultLevel the "global" level for subjects without their own. */
  constructor(private readonly defaultLevel: CompatibilityLevel = 'BACKWARD') {}

  async getSchemaById(id: number, context?: RecordContext): Promise<string> {
    const schema = this.schemasById.get(id);
    if (schema === undefined) throw new UnknownSchemaIdError(id, context);
    return schema;
  }

  async lookup(subject: string, schema: string): Promise<SubjectVersion | undefined> {
    const canonical = canonicalForm(schema);
    return this.subjects.get(subject)?.find((v) => canonicalForm(v.schema) === canonical);
  }

  async register(subject: string, schema: string): Promise<number> {
    const existing = await this.lookup(subject, schema);
    if (existing) return existing.id;
    const issues = this.issuesFor(subject, schema);
    if (issues.length > 0) throw new IncompatibleSchemaError(subject, issues);
    const canonical = canonicalForm(schema);
    let id = this.idByCanonical.get(canonical);
    if (id === undefined) {
      id = this.schemasById.size + 1;
      this.schemasById.set(id, schema);
      this.idByCanonical.set(canonical, id);
    }
    const versions = this.subjects.get(subject) ?? [];
    versions.push({ subject, version: versions.length + 1, id, schema });
    this.subjects.set(subject, versions);
    return id;
  }

  async latest(subject: string): Promise<SubjectVersion | undefined> {
    return this.subjects.get(subject)?.at(-1);
  }

  async getCompatibility(subject: string): Promise<CompatibilityLevel | undefined> {
    return this.levels.get(subject);
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    this.levels.set(subject, level);
  }

  async isCompatible(subject: string, schema: string): Promise<boolean> {
    return this.issuesFor(subject, schema).length === 0;
  }

  private issuesFor(subject: string, schema: string) {
    const previous = (this.subjects.get(subject) ?? []).map((v) => ({
      label: `v${v.version}`,
      schema: JSON.parse(v.schema) as avro.Schema,
    }));
    const level = this.levels.get(subject) ?? this.defaultLevel;
    return checkCompatibility(JSON.parse(schema) as avro.Schema, previous, level);
  }
}

/** Fingerprint of the Parsing Canonical Form, so whitespace and docs do not make a new version. */
function canonicalForm(schema: string): string {
  return avro.Type.forSchema(JSON.parse(schema) as avro.Schema)
    .fingerprint('sha256')
    .toString('hex');
}
