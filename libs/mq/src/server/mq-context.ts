/** The context an MQ handler receives beside the data, like Nest's `KafkaContext`. */
import { BaseRpcContext } from '@nestjs/microservices';
import type { MqMessage } from '../client/mq-message';

type MqContextArgs = [message: MqMessage, queue: string];

/** `@Ctx() context: MqContext` in an `@EventPattern` handler served by `ServerMQ`. */
export class MqContext extends BaseRpcContext<MqContextArgs> {
  /** The message as got: body, MQMD fields, the properties read. */
  getMessage(): MqMessage {
    return this.args[0];
  }

  /** The queue it was got from. */
  getQueue(): string {
    return this.args[1];
  }

  /** MQMD.BackoutCount: how often it was delivered before and backed out. */
  getBackoutCount(): number {
    return this.args[0].backoutCount;
  }
}
