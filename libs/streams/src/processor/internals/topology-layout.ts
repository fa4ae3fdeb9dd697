import { Serde } from '../../serdes/serde';
import { StoreBuilder } from '../../state/store-builders';
import { ProcessorSupplier, TimestampExtractor } from '../api';

/** A source node: reads topics, deserializes, extracts timestamps. */
export interface SourceDef {
  readonly kind: 'source';
  readonly name: string;
  readonly topics: string[];
  readonly parents: string[];
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly timestampExtractor?: TimestampExtractor;
}

/** A processor node. */
export interface ProcessorDef {
  readonly kind: 'processor';
  readonly name: string;
  readonly parents: string[];
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
}

/** A sink node: serializes and writes to a topic. */
export interface SinkDef {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: string;
  readonly parents: string[];
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
}

/** Any node of a topology. */
export type NodeDef = SourceDef | ProcessorDef | SinkDef;

/** A store and the processors that use it. */
export interface StoreDef {
  readonly builder: StoreBuilder<unknown>;
  readonly processors: string[];
}

/** One sub-topology with topic names resolved; a task runs one of these for one partition. */
export interface SubtopologyDef {
  readonly id: number;
  /** Nodes in insertion order, which is topological: a node's parents always precede it. */
  readonly nodes: NodeDef[];
  readonly sourceTopics: string[];
  readonly sinkTopics: string[];
  /** Resolved names of internal topics this sub-topology reads (repartition topics). */
  readonly internalSourceTopics: string[];
  readonly stores: StoreDef[];
}

/** Groups nodes into connected components (parent edges plus shared stores). */
export function partitionSubtopologies(
  nodes: NodeDef[],
  stores: Map<string, { builder: StoreBuilder<unknown>; processors: Set<string> }>,
  resolve: (topic: string) => string,
  isInternal: (topic: string) => boolean,
): SubtopologyDef[] {
  const root = new Map<string, string>(nodes.map((n) => [n.name, n.name]));
  const find = (n: string): string => {
    let r = n;
    while (root.get(r) !== r) r = root.get(r) as string;
    root.set(n, r);
    return r;
  };
  const union = (a: string, b: string) => root.set(find(a), find(b));
  for (const node of nodes) for (const p of node.parents) union(node.name, p);
  for (const { processors } of stores.values()) {
    const [first, ...rest] = [...processors];
    if (first !== undefined) for (const p of rest) union(first, p);
  }

  const groups = new Map<string, NodeDef[]>();
  for (const node of nodes) {
    const group = groups.get(find(node.name)) ?? [];
    group.push(node);
    groups.set(find(node.name), group);
  }
  return [...groups.values()].map((group, id) => layoutOne(id, group, stores, resolve, isInternal));
}

function layoutOne(
  id: number,
  group: NodeDef[],
  stores: Map<string, { builder: StoreBuilder<unknown>; processors: Set<string> }>,
  resolve: (topic: string) => string,
  isInternal: (topic: string) => boolean,
): SubtopologyDef {
  const names = new Set(group.map((n) => n.name));
  const nodes = group.map((n): NodeDef => {
    if (n.kind === 'source') return { ...n, topics: n.topics.map(resolve) };
    if (n.kind === 'sink') return { ...n, topic: resolve(n.topic) };
    return n;
  });
  const rawSources = group.flatMap((n) => (n.kind === 'source' ? n.topics : []));
  const storeDefs = [...stores.values()]
    .filter((s) => [...s.processors].some((p) => names.has(p)))
    .map((s) => ({ builder: s.builder, processors: [...s.processors] }));
  return {
    id,
    nodes,
    sourceTopics: rawSources.map(resolve),
    internalSourceTopics: rawSources.filter(isInternal).map(resolve),
    sinkTopics: nodes.flatMap((n) => (n.kind === 'sink' ? [n.topic] : [])),
    stores: storeDefs,
  };
}

/** Renders sub-topologies in the layout of Kafka Streams' `TopologyDescription.toString()`. */
export function describeTopology(subtopologies: SubtopologyDef[]): string {
  const lines = ['Topologies:'];
  for (const sub of subtopologies) {
    lines.push(`   Sub-topology: ${sub.id}`);
    const children = new Map<string, string[]>();
    for (const n of sub.nodes)
      for (const p of n.parents) children.set(p, [...(children.get(p) ?? []), n.name]);
    for (const n of sub.nodes) {
      if (n.kind === 'source') lines.push(`    Source: ${n.name} (topics: [${n.topics.join(', ')}])`);
      if (n.kind === 'sink') lines.push(`    Sink: ${n.name} (topic: ${n.topic})`);
      if (n.kind === 'processor') {
        const storeNames = sub.stores.filter((s) => s.processors.includes(n.name)).map((s) => s.builder.name);
        lines.push(`    Processor: ${n.name} (stores: [${storeNames.join(', ')}])`);
      }
      const out = children.get(n.name) ?? [];
      if (n.kind !== 'sink') lines.push(`      --> ${out.length > 0 ? out.join(', ') : 'none'}`);
      if (n.parents.length > 0) lines.push(`      <-- ${n.parents.join(', ')}`);
    }
  }
  return lines.join('\n') + '\n';
}
