import { TopologyError } from '../../errors';
import { ProcessorSupplier } from '../../processor/api';
import { Topology } from '../../processor/topology';
import { Serde } from '../../serdes/serde';
import { StoreBuilder } from '../../state/store-builders';
import { Consumed } from '../options';

/** A graph node recorded by the DSL. */
export type GraphNode =
  | {
      readonly kind: 'source';
      readonly name: string;
      readonly topics: string[];
      readonly consumed: Consumed<unknown, unknown>;
    }
  | {
      readonly kind: 'processor';
      readonly name: string;
      readonly parents: string[];
      readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
      readonly stores: string[];
    }
  | {
      readonly kind: 'sink';
      readonly name: string;
      readonly parents: string[];
      readonly topic: string;
      readonly keySerde: Serde<unknown>;
      readonly valueSerde: Serde<unknown>;
    }
  | {
      readonly kind: 'repartition';
      /** Unprefixed topic name, `<name>-repartition`. */
      readonly topic: string;
      readonly sinkName: string;
      readonly sourceName: string;
      readonly parents: string[];
      readonly keySerde: Serde<unknown>;
      readonly valueSerde: Serde<unknown>;
    };

/**
 * The logical graph the DSL builds. It knows nothing of tasks or Kafka;
 * {@link StreamsGraph.compile} turns it into a {@link Topology}, the step
 * where a future optimizer (merging repartition topics, reusing source topics
 * as changelogs) would run, as Kafka Streams' `InternalStreamsBuilder` does.
 */
export class StreamsGraph {
  private readonly nodes: GraphNode[] = [];
  private readonly storeBuilders = new Map<string, StoreBuilder<unknown>>();
  private readonly repartitionTopics = new Set<string>();
  private index = 0;

  /** A unique node name in Kafka Streams' style: `KSTREAM-FILTER-0000000003`. */
  newName(prefix: string): string {
    return `${prefix}-${String(this.index++).padStart(10, '0')}`;
  }

  /** A unique generated store name: `KSTREAM-AGGREGATE-STATE-STORE-0000000004`. */
  newStoreName(prefix: string): string {
    return this.newName(`${prefix}-STATE-STORE`);
  }

  add(node: GraphNode): void {
    if (node.kind === 'repartition') {
      if (this.repartitionTopics.has(node.topic)) {
        throw new TopologyError(
          `Repartition topic '${node.topic}' is used twice: give each grouping its own name.`,
        );
      }
      this.repartitionTopics.add(node.topic);
    }
    this.nodes.push(node);
  }

  addStore(builder: StoreBuilder<unknown>): void {
    if (this.storeBuilders.has(builder.name)) {
      throw new TopologyError(`Store '${builder.name}' is defined twice: store names must be unique.`);
    }
    this.storeBuilders.set(builder.name, builder);
  }

  /** Compiles the graph into a topology. */
  compile(): Topology {
    const topology = new Topology();
    const added = new Set<string>();
    for (const node of this.nodes) {
      switch (node.kind) {
        case 'source':
          topology.addSource(node.name, node.topics, node.consumed);
          break;
        case 'sink':
          topology.addSink(node.name, node.topic, node, ...node.parents);
          break;
        case 'repartition': {
          const serdes = { keySerde: node.keySerde, valueSerde: node.valueSerde };
          topology.addInternalTopic(node.topic, 'repartition');
          topology.addSink(node.sinkName, node.topic, serdes, ...node.parents);
          topology.addSource(node.sourceName, node.topic, serdes);
          break;
        }
        case 'processor':
          topology.addProcessor(node.name, node.supplier, ...node.parents);
          for (const store of node.stores) {
            if (added.has(store)) {
              topology.connectProcessorAndStateStores([node.name], store);
            } else {
              const builder = this.storeBuilders.get(store);
              if (!builder)
                throw new TopologyError(`Processor '${node.name}' uses unknown store '${store}'.`);
              topology.addStateStore(builder, node.name);
              added.add(store);
            }
          }
          break;
      }
    }
    return topology;
  }
}
