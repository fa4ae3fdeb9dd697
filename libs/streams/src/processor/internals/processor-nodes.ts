import { InvalidStateStoreError } from '../../errors';
import { StreamsMetrics } from '../../telemetry/metrics';
import { headersWithActiveContext } from '../../telemetry/tracing';
import {
  Cancellable,
  Processor,
  ProcessorContext,
  PunctuationType,
  Punctuator,
  RecordMetadata,
  StreamRecord,
  StreamsLogger,
} from '../api';
import { SinkDef } from './topology-layout';
import { RecordCollector } from './record-collector';

/** A node as it runs inside a task: receives records and passes them on. */
export interface RuntimeNode {
  readonly name: string;
  readonly children: RuntimeNode[];
  process(record: StreamRecord<unknown, unknown>): void;
}

/** What a node's context needs from its task. */
export interface TaskServices {
  readonly applicationId: string;
  readonly taskId: string;
  recordMetadata(): RecordMetadata | undefined;
  store(name: string): unknown;
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  streamTime(): number;
  wallClock(): number;
  readonly metrics: StreamsMetrics;
  readonly logger: StreamsLogger;
}

/** The context one processor sees; bound to its node, so `forward` knows the children. */
class NodeContext implements ProcessorContext<unknown, unknown> {
  constructor(
    private readonly node: RuntimeNode,
    private readonly task: TaskServices,
    private readonly stores: ReadonlySet<string>,
  ) {}

  get applicationId(): string {
    return this.task.applicationId;
  }
  get taskId(): string {
    return this.task.taskId;
  }
  recordMetadata(): RecordMetadata | undefined {
    return this.task.recordMetadata();
  }

  forward(record: StreamRecord<unknown, unknown>, childName?: string): void {
    for (const child of this.node.children) {
      if (childName === undefined || child.name === childName) child.process(record);
    }
  }

  getStateStore<S>(name: string): S {
    if (!this.stores.has(name)) {
      throw new InvalidStateStoreError(
        `Processor '${this.node.name}' has no access to store '${name}': connect it with addStateStore.`,
      );
    }
    return this.task.store(name) as S;
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    return this.task.schedule(intervalMs, type, punctuator);
  }
  currentStreamTimeMs(): number {
    return this.task.streamTime();
  }
  currentSystemTimeMs(): number {
    return this.task.wallClock();
  }
  get metrics(): StreamsMetrics {
    return this.task.metrics;
  }
  get logger(): StreamsLogger {
    return this.task.logger;
  }
}

/** Runs a user or DSL processor. */
export class ProcessorNode implements RuntimeNode {
  readonly children: RuntimeNode[] = [];

  constructor(
    readonly name: string,
    private readonly processor: Processor<unknown, unknown, unknown, unknown>,
  ) {}

  init(task: TaskServices, stores: ReadonlySet<string>): void {
    this.processor.init?.(new NodeContext(this, task, stores));
  }

  process(record: StreamRecord<unknown, unknown>): void {
    this.processor.process(record);
  }

  close(): void {
    this.processor.close?.();
  }
}

/** The entry of a source: forwards deserialized records to its children. */
export class SourceNode implements RuntimeNode {
  readonly children: RuntimeNode[] = [];

  constructor(readonly name: string) {}

  process(record: StreamRecord<unknown, unknown>): void {
    for (const child of this.children) child.process(record);
  }
}

/** Serializes records and hands them to the collector, with the trace context injected. */
export class SinkNode implements RuntimeNode {
  readonly children: RuntimeNode[] = [];
  readonly name: string;

  constructor(
    private readonly def: SinkDef,
    private readonly collector: RecordCollector,
  ) {
    this.name = def.name;
  }

  process(record: StreamRecord<unknown, unknown>): void {
    const { topic, keySerde, valueSerde } = this.def;
    this.collector.send({
      topic,
      key: record.key === null || record.key === undefined ? null : keySerde.serialize(record.key, topic),
      value:
        record.value === null || record.value === undefined
          ? null
          : valueSerde.serialize(record.value, topic),
      timestamp: record.timestamp,
      headers: headersWithActiveContext(record.headers),
    });
  }
}
