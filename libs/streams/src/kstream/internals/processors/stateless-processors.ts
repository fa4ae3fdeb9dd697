import { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../../processor/api';
import { KeyValue } from '../../../state/stores';

/**
 * A processor that only transforms and forwards. `step` receives each
 * record and a `forward` function; one class serves filter, map, peek and
 * friends, so each DSL operator is a one-line supplier.
 */
class StatelessProcessor<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
  private context!: ProcessorContext<KOut, VOut>;
  private readonly forward = (record: StreamRecord<KOut, VOut>, child?: string) =>
    this.context.forward(record, child);

  constructor(
    private readonly step: (
      record: StreamRecord<KIn, VIn>,
      forward: (record: StreamRecord<KOut, VOut>, child?: string) => void,
    ) => void,
  ) {}

  init(context: ProcessorContext<KOut, VOut>): void {
    this.context = context;
  }

  process(record: StreamRecord<KIn, VIn>): void {
    this.step(record, this.forward);
  }
}

type Step<KIn, VIn, KOut, VOut> = ConstructorParameters<typeof StatelessProcessor<KIn, VIn, KOut, VOut>>[0];

/** Supplies a fresh {@link StatelessProcessor} per task. */
export function stateless<KIn, VIn, KOut, VOut>(
  step: Step<KIn, VIn, KOut, VOut>,
): ProcessorSupplier<KIn, VIn, KOut, VOut> {
  return () => new StatelessProcessor(step);
}

/** filter / filterNot. */
export const filterProcessor = <K, V>(predicate: (k: K, v: V) => boolean, negate: boolean) =>
  stateless<K, V, K, V>((r, forward) => {
    if (predicate(r.key, r.value) !== negate) forward(r);
  });

/** map. */
export const mapProcessor = <K, V, KR, VR>(mapper: (k: K, v: V) => KeyValue<KR, VR>) =>
  stateless<K, V, KR, VR>((r, forward) => {
    const { key, value } = mapper(r.key, r.value);
    forward({ ...r, key, value });
  });

/** mapValues. */
export const mapValuesProcessor = <K, V, VR>(mapper: (v: V, k: K) => VR) =>
  stateless<K, V, K, VR>((r, forward) => forward({ ...r, value: mapper(r.value, r.key) }));

/** flatMap. */
export const flatMapProcessor = <K, V, KR, VR>(mapper: (k: K, v: V) => Iterable<KeyValue<KR, VR>>) =>
  stateless<K, V, KR, VR>((r, forward) => {
    for (const { key, value } of mapper(r.key, r.value)) forward({ ...r, key, value });
  });

/** flatMapValues. */
export const flatMapValuesProcessor = <K, V, VR>(mapper: (v: V, k: K) => Iterable<VR>) =>
  stateless<K, V, K, VR>((r, forward) => {
    for (const value of mapper(r.value, r.key)) forward({ ...r, value });
  });

/** selectKey. */
export const selectKeyProcessor = <K, V, KR>(mapper: (k: K, v: V) => KR) =>
  stateless<K, V, KR, V>((r, forward) => forward({ ...r, key: mapper(r.key, r.value) }));

/** peek. */
export const peekProcessor = <K, V>(action: (k: K, v: V) => void) =>
  stateless<K, V, K, V>((r, forward) => {
    action(r.key, r.value);
    forward(r);
  });

/** merge and branch children: forward as-is. */
export const passThroughProcessor = <K, V>() => stateless<K, V, K, V>((r, forward) => forward(r));

/** split: the first matching branch gets the record; `branches` may grow until the topology is built. */
export const branchProcessor = <K, V>(
  branches: ReadonlyArray<{ child: string; predicate: (k: K, v: V) => boolean }>,
) =>
  stateless<K, V, K, V>((r, forward) => {
    for (const b of branches) {
      if (b.predicate(r.key, r.value)) {
        forward(r, b.child);
        return;
      }
    }
  });
