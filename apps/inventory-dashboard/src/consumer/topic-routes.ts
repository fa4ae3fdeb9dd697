/**
 * Maps the physical topics this instance reads (inputs from the configuration
 * and their retry topics) to the event pattern of their handler.
 */
import type { RetryTopology } from '@eda/kafka';
import type { DashboardSettings } from '../config/dashboard.config';
import { DashboardEvents, type DashboardEvent } from './inbound-record';

/** A physical topic's handler and retry level. */
export interface TopicRoute {
  readonly event: DashboardEvent;
  /** The input topic whose records these are. */
  readonly inputTopic: string;
  readonly retryLevel: number;
}

/** The routing table, built once. */
export class TopicRoutes {
  private readonly routes = new Map<string, TopicRoute>();

  constructor(topics: DashboardSettings['topics'], topology: RetryTopology) {
    const inputs: Array<[string, DashboardEvent]> = [
      [topics.storeInventory, DashboardEvents.STORE_INVENTORY],
      [topics.itemInventory, DashboardEvents.ITEM_INVENTORY],
      [topics.storeSales, DashboardEvents.STORE_SALES],
    ];
    for (const [inputTopic, event] of inputs) {
      this.routes.set(inputTopic, { event, inputTopic, retryLevel: 0 });
      topology
        .retryTopics(inputTopic)
        .forEach((retryTopic, i) => this.routes.set(retryTopic, { event, inputTopic, retryLevel: i + 1 }));
    }
  }

  /** The route of `topic`, or undefined for a topic this instance does not read. */
  resolve(topic: string): TopicRoute | undefined {
    return this.routes.get(topic);
  }

  /** The input topics, whose high watermarks decide when the view has caught up. */
  inputTopics(): string[] {
    return [...this.routes.values()].filter((r) => r.retryLevel === 0).map((r) => r.inputTopic);
  }

  /** Every topic to subscribe to: inputs and retry levels. */
  subscriptions(): string[] {
    return [...this.routes.keys()];
  }
}
