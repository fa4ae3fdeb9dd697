/**
 * Confluent-framed Avro serde with a schema registry.
 *
 * The hot path is ours: avsc types are built once, the writer id per subject
 * and the reader per writer id are cached, and after the first record of each
 * schema, encode and decode touch no registry and no promise chain beyond the
 * one the async signature needs. The registry client is used only to fill the
 * caches.
 */
import * as avro from 'avsc';
import {
  IncompatibleSchemaError,
  InvalidRecordError,
  MalformedPayloadError,
  RecordContext,
  SchemaNotLoadedError,
  SchemaNotRegisteredError,
  TruncatedPayloadError,
  WriterIdNotResolvedError,
} from '../errors';
import { readIssues } from '../compatibility/avro-compatibility';
import type { SchemaRegistryClient } from '../registry/schema-registry-client';
import { boundedCollections } from './bounded-collections';
import { SubjectNameStrategy, topicNameStrategy } from './subject-name-strategy';
import { HEADER_SIZE, readSchemaId, writeHeader } from './wire-format';

/** Options of {@link AvroSerde}. */
export interface AvroSerdeOptions {
  /** Where writer schemas are looked up and registered. */
  readonly registry: SchemaRegistryClient;
  /**
   * The record schema this serde writes, and reads into: records written with
   * another compatible version are resolved into this shape.
   */
  readonly schema: avro.Schema;
  /** Subject naming; defaults to {@link topicNameStrategy} (`<topic>-value`). */
  readonly subjectNameStrategy?: SubjectNameStrategy;
  /** True for record keys (`<topic>-key`). Defaults to false. */
  readonly isKey?: boolean;
  /**
   * Register the schema on first use when the subject does not have it.
   * Off by default, and meant for local development only: production schemas
   * are registered by `npm run schemas:deploy`, so a producer can never
   * introduce a schema version nobody reviewed.
   */
  readonly autoRegister?: boolean;
}

/** Turns a record body into a value of the reader's shape. */
/** One record's outcome in {@link AvroSerde.decodeBatch}: the value, or why it could not be decoded. */
export type DecodeResult<T> =
  { readonly value: T; readonly error?: undefined } | { readonly error: unknown; readonly value?: undefined };

type BodyReader = (payload: Buffer, schemaId: number, context: RecordContext | undefined) => unknown;

/**
 * Encodes values of `T` to Confluent-framed Avro and decodes them back,
 * resolving other compatible writer versions into `T`.
 *
 * `timestamp-millis` fields are plain numbers (epoch milliseconds) and `uuid`
 * fields plain strings: no Date objects on the hot path.
 */
export class AvroSerde<T> {
  /** Full name of the record, e.g. `eda.inventory.ItemTransaction`. */
  readonly recordName: string;
  private readonly type: avro.Type;
  private readonly schemaText: string;
  private readonly strategy: SubjectNameStrategy;
  private readonly idBySubject = new Map<string, number>();
  private readonly pendingIds = new Map<string, Promise<number>>();
  private readonly readerById = new Map<number, BodyReader>();
  private readonly pendingReaders = new Map<number, Promise<BodyReader>>();
  private scratch = Buffer.allocUnsafe(1024);

  constructor(private readonly options: AvroSerdeOptions) {
    this.type = avro.Type.forSchema(options.schema, { typeHook: boundedCollections });
    this.recordName = this.type.name ?? this.type.typeName;
    this.schemaText = JSON.stringify(options.schema);
    this.strategy = options.subjectNameStrategy ?? topicNameStrategy;
  }

  /** The subject this serde writes to for `topic`. */
  subjectFor(topic: string): string {
    return this.strategy(topic, this.recordName, this.options.isKey ?? false);
  }

  /**
   * Resolves (and caches) the id this serde writes with for `topic`, without
   * encoding anything: start-up and readiness checks call it to prove the
   * schema is registered, and afterwards {@link encodeSync} works for `topic`.
   * Rejects with {@link SchemaNotRegisteredError} (run `npm run schemas:deploy`)
   * or a retriable registry error.
   */
  async resolveWriterSchema(topic: string): Promise<{ subject: string; id: number }> {
    const subject = this.subjectFor(topic);
    const id = this.idBySubject.get(subject) ?? (await this.writerId(topic));
    return { subject, id };
  }

  /**
   * Frames `value` for `topic`. The first call per subject looks the schema id
   * up; throws {@link SchemaNotRegisteredError} when it is not registered.
   */
  encode(topic: string, value: T): Promise<Buffer> {
    const id = this.idBySubject.get(this.subjectFor(topic));
    if (id !== undefined) {
      try {
        return Promise.resolve(this.frame(id, value));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.writerId(topic).then((resolved) => this.frame(resolved, value));
  }

  /**
   * Synchronous encode for engines whose serdes cannot await (`@eda/streams`).
   * Works once the subject's writer id is cached, i.e. after {@link encode}
   * succeeded for `topic`; otherwise throws a retriable {@link WriterIdNotResolvedError}.
   */
  encodeSync(topic: string, value: T): Buffer {
    const subject = this.subjectFor(topic);
    const id = this.idBySubject.get(subject);
    if (id === undefined) throw new WriterIdNotResolvedError(subject);
    return this.frame(id, value);
  }

  /**
   * Decodes a framed record. `context` (topic, partition, offset) is named in
   * every error. Errors are {@link EventsError}s: `retriable` ones (registry
   * down) deserve a retry, the rest a dead-letter topic.
   */
  decode(payload: Buffer, context?: RecordContext): Promise<T> {
    let id: number;
    try {
      id = readSchemaId(payload, context);
      const reader = this.readerById.get(id);
      if (reader !== undefined) {
        return Promise.resolve(reader(payload, id, context) as T);
      }
    } catch (err) {
      return Promise.reject(err);
    }
    return this.loadReader(id, context).then((loaded) => loaded(payload, id, context) as T);
  }

  /**
   * Synchronous decode for batch loops that want no promise per record
   * (kafkajs `eachBatch`). Works once the writer schema is cached, i.e. after
   * {@link decode} has seen its id; otherwise throws a retriable
   * {@link SchemaNotLoadedError}, and the caller falls back to `decode`.
   */
  decodeSync(payload: Buffer, context?: RecordContext): T {
    const id = readSchemaId(payload, context);
    const reader = this.readerById.get(id);
    if (reader === undefined) {
      throw new SchemaNotLoadedError(id, context);
    }
    return reader(payload, id, context) as T;
  }

  /**
   * Decodes a batch with one promise for the whole batch, not one per record:
   * the writer schemas the batch needs are fetched once each (in parallel),
   * then every record is decoded synchronously. One bad record does not fail
   * the others: each result is either `{ value }` or `{ error }` (an
   * {@link EventsError}, as {@link decode} would reject with), in input order,
   * so a consumer can dead-letter exactly the records that failed.
   */
  async decodeBatch(
    payloads: readonly Buffer[],
    contexts?: readonly (RecordContext | undefined)[],
  ): Promise<DecodeResult<T>[]> {
    const missing = new Map<number, RecordContext | undefined>();
    for (let i = 0; i < payloads.length; i++) {
      try {
        const id = readSchemaId(payloads[i] as Buffer, contexts?.[i]);
        if (!this.readerById.has(id) && !missing.has(id)) missing.set(id, contexts?.[i]);
      } catch {
        // Reported per record below.
      }
    }
    const failedIds = new Map<number, unknown>();
    await Promise.all(
      [...missing].map(([id, context]) =>
        this.loadReader(id, context).catch((err: unknown) => void failedIds.set(id, err)),
      ),
    );
    return payloads.map((payload, i) => {
      const context = contexts?.[i];
      try {
        const id = readSchemaId(payload, context);
        const reader = this.readerById.get(id);
        if (reader === undefined)
          return { error: failedIds.get(id) ?? new SchemaNotLoadedError(id, context) };
        return { value: reader(payload, id, context) as T };
      } catch (error) {
        return { error };
      }
    });
  }

  /**
   * Fetches writer schema `id` and builds its reader now, so {@link decodeSync}
   * serves records written with it from the first one (engines whose serdes
   * cannot await load the subject's versions at start-up). Rejects like
   * {@link decode} would: unknown id, incompatible schema, registry down.
   */
  async preloadWriterSchema(id: number): Promise<void> {
    if (!this.readerById.has(id)) await this.loadReader(id);
  }

  /** Resolves and caches the writer id for `topic`'s subject. */
  private writerId(topic: string): Promise<number> {
    const subject = this.subjectFor(topic);
    let pending = this.pendingIds.get(subject);
    if (pending === undefined) {
      pending = this.lookupOrRegister(subject).finally(() => this.pendingIds.delete(subject));
      this.pendingIds.set(subject, pending);
    }
    return pending;
  }

  private async lookupOrRegister(subject: string): Promise<number> {
    const found = await this.options.registry.lookup(subject, this.schemaText);
    let id = found?.id;
    if (id === undefined) {
      if (!this.options.autoRegister) {
        throw new SchemaNotRegisteredError(subject, this.recordName);
      }
      id = await this.options.registry.register(subject, this.schemaText);
    }
    this.idBySubject.set(subject, id);
    // Records we write decode without asking the registry for our own schema.
    this.readerById.set(id, this.bodyReader(undefined));
    return id;
  }

  /** Encodes into a reusable scratch buffer, then copies out exactly one frame. */
  private frame(schemaId: number, value: T): Buffer {
    let end: number;
    try {
      end = this.type.encode(value, this.scratch, HEADER_SIZE);
      if (end < 0) {
        // avsc returns minus the missing byte count; grow and retry once.
        this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratch.length - end));
        end = this.type.encode(value, this.scratch, HEADER_SIZE);
      }
    } catch (err) {
      throw new InvalidRecordError(this.recordName, this.invalidPaths(value), err);
    }
    const out = Buffer.allocUnsafe(end);
    this.scratch.copy(out, 0, 0, end);
    writeHeader(out, schemaId);
    return out;
  }

  private invalidPaths(value: unknown): string[] {
    const paths: string[] = [];
    this.type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
    return paths;
  }

  /** Fetches writer schema `id` once (concurrent callers share the request) and builds its reader. */
  private loadReader(id: number, context?: RecordContext): Promise<BodyReader> {
    let pending = this.pendingReaders.get(id);
    if (pending === undefined) {
      pending = this.options.registry
        .getSchemaById(id, context)
        .then((text) => {
          const reader = this.readerFor(id, text, context);
          this.readerById.set(id, reader);
          return reader;
        })
        // A failed fetch is not cached: the registry may be back for the next record.
        .finally(() => this.pendingReaders.delete(id));
      this.pendingReaders.set(id, pending);
    }
    return pending;
  }

  private readerFor(id: number, writerText: string, context?: RecordContext): BodyReader {
    let writer: avro.Type;
    try {
      writer = avro.Type.forSchema(JSON.parse(writerText) as avro.Schema);
    } catch (err) {
      throw new MalformedPayloadError(
        id,
        `registry schema ${id} is not a valid Avro schema: ${(err as Error).message}`,
        context,
      );
    }
    if (writer.equals(this.type)) {
      return this.bodyReader(undefined);
    }
    try {
      return this.bodyReader(this.type.createResolver(writer));
    } catch {
      const issues = readIssues(this.type, writer, {
        rule: 'READ',
        reader: 'this reader',
        writer: `writer schema ${id}`,
      });
      throw new IncompatibleSchemaError(`schema id ${id} read as ${this.recordName}`, issues, context);
    }
  }

  private bodyReader(resolver: avro.Resolver | undefined): BodyReader {
    const type = this.type;
    return (payload, schemaId, context) => {
      let result: { value: unknown; offset: number };
      try {
        result = type.decode(payload, HEADER_SIZE, resolver);
      } catch (err) {
        throw new MalformedPayloadError(schemaId, err, context);
      }
      if (result.offset < 0) {
        throw new TruncatedPayloadError(
          payload.length,
          `the Avro body of schema id ${schemaId} ends early`,
          context,
        );
      }
      if (result.offset !== payload.length) {
        throw new MalformedPayloadError(
          schemaId,
          `${payload.length - result.offset} trailing byte(s) after the record`,
          context,
        );
      }
      return result.value;
    };
  }
}
