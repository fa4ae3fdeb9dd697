import { TopologyError } from '../errors';
import { Serde } from '../serdes/serde';
import { StoreBuilder } from '../state/store-builders';
import { ProcessorSupplier, TimestampExtractor } from './api';
import {
  describeTopology,
  NodeDef,
  partitionSubtopologies,
  SubtopologyDef,
} from './internals/topology-layout';

/** `<application.id>-<store>-changelog`: where a logged store's changes go. */
export function changelogTopicName(applicationId: string, store: string): string {
  return `${applicationId}-${store}-changelog`;
}

/** Options of {@link Topology.addSource}. */
export interface SourceOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly timestampExtractor?: TimestampExtractor;
}

/** Options of {@link Topology.addSink}. */
export interface SinkOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
}

/** Why a topic is internal; decides its name suffix and configs. */
export type InternalTopicKind = 'repartition';

/**
 * A processor graph: sources, processors, sinks, and the stores they use.
 * Build one with {@link StreamsBuilder.build} (the DSL) or by hand with the
 * Processor API. A topology is a description; `KafkaStreams` and
 * `TopologyTestDriver` instantiate it once per task.
 *
 * Topic names marked internal (repartition topics) are prefixed with the
 * application id when the topology runs: `<application.id>-<name>`.
 */
export class Topology {
  private readonly nodes = new Map<string, NodeDef>();
  private readonly stores = new Map<string, { builder: StoreBuilder<unknown>; processors: Set<string> }>();
  private readonly internalTopics = new Map<string, InternalTopicKind>();

  /** Adds a source reading `topics` and deserializing with the given serdes. */
  addSource<K, V>(name: string, topics: string | string[], options: SourceOptions<K, V>): this {
    const list = Array.isArray(topics) ? topics : [topics];
    if (list.length === 0) throw new TopologyError(`Source '${name}' needs at least one topic.`);
    for (const node of this.nodes.values()) {
      const clash = node.kind === 'source' ? node.topics.find((t) => list.includes(t)) : undefined;
      if (clash) throw new TopologyError(`Topic '${clash}' is already read by source '${node.name}'.`);
    }
    return this.addNode({ kind: 'source', name, topics: list, parents: [], ...options } as NodeDef);
  }

  /** Adds a processor fed by the named parents. */
  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parentNames: string[]
  ): this {
    this.checkParents(name, parentNames);
    return this.addNode({ kind: 'processor', name, supplier, parents: parentNames } as NodeDef);
  }

  /** Adds a sink writing to `topic`, fed by the named parents. */
  addSink<K, V>(name: string, topic: string, options: SinkOptions<K, V>, ...parentNames: string[]): this {
    this.checkParents(name, parentNames);
    return this.addNode({ kind: 'sink', name, topic, parents: parentNames, ...options } as NodeDef);
  }

  /** Adds a store and connects it to the named processors. */
  addStateStore<S>(builder: StoreBuilder<S>, ...processorNames: string[]): this {
    if (this.stores.has(builder.name)) throw new TopologyError(`Store '${builder.name}' is already added.`);
    this.stores.set(builder.name, { builder: builder as StoreBuilder<unknown>, processors: new Set() });
    return this.connectProcessorAndStateStores(processorNames, builder.name);
  }

  /** Gives processors access to stores already added. */
  connectProcessorAndStateStores(processorNames: string[], ...storeNames: string[]): this {
    for (const storeName of storeNames) {
      const store = this.stores.get(storeName);
      if (!store) throw new TopologyError(`Unknown store '${storeName}': add it with addStateStore first.`);
      for (const p of processorNames) {
        if (this.nodes.get(p)?.kind !== 'processor') throw new TopologyError(`'${p}' is not a processor.`);
        store.processors.add(p);
      }
    }
    return this;
  }

  /** Marks a topic as internal (prefixed with the application id at run time). */
  addInternalTopic(name: string, kind: InternalTopicKind): this {
    this.internalTopics.set(name, kind);
    return this;
  }

  /** A text description of sub-topologies, nodes, topics and stores, like Kafka Streams' `describe()`. */
  describe(): string {
    return describeTopology(this.subtopologies(undefined));
  }

  /**
   * The sub-topologies: connected components of the graph, where a topic
   * written by a sink and read by a source (a repartition topic) is a cut.
   * Each one runs as one task per input partition.
   * @internal
   */
  subtopologies(applicationId: string | undefined): SubtopologyDef[] {
    if (this.nodes.size === 0) throw new TopologyError('The topology is empty: add at least one source.');
    const resolve = (topic: string) =>
      applicationId !== undefined && this.internalTopics.has(topic) ? `${applicationId}-${topic}` : topic;
    return partitionSubtopologies([...this.nodes.values()], this.stores, resolve, (topic) =>
      this.internalTopics.has(topic),
    );
  }

  /**
   * The internal topics the runtime creates (or, with `internal.topics.create`
   * false, verifies) for `applicationId`: repartition topics
   * `<application.id>-<name>-repartition` and the changelogs
   * `<application.id>-<store>-changelog` of logged stores. The Kafka access an
   * application declares is derived from these (apps/<app>/src/config/kafka-access.ts).
   */
  internalTopicNames(applicationId: string): {
    readonly repartition: string[];
    readonly changelog: string[];
  } {
    const subs = this.subtopologies(applicationId);
    const repartition = [...new Set(subs.flatMap((s) => s.internalSourceTopics))].sort();
    const changelog = subs
      .flatMap((s) => s.stores.filter((st) => st.builder.loggingEnabled))
      .map((st) => changelogTopicName(applicationId, st.builder.name))
      .sort();
    return { repartition, changelog };
  }

  private addNode(node: NodeDef): this {
    if (this.nodes.has(node.name)) throw new TopologyError(`A node named '${node.name}' already exists.`);
    this.nodes.set(node.name, node);
    return this;
  }

  private checkParents(name: string, parents: string[]): void {
    if (parents.length === 0) throw new TopologyError(`'${name}' needs at least one parent.`);
    for (const p of parents) {
      const parent = this.nodes.get(p);
      if (!parent) throw new TopologyError(`'${name}' names unknown parent '${p}'.`);
      if (parent.kind === 'sink') throw new TopologyError(`'${name}' cannot follow sink '${p}'.`);
    }
  }
}
