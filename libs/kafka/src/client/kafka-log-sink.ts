/**
 * kafkajs logs into an app's own logger. kafkajs hands over a message and a
 * bag of fields (broker, clientId, retry count, error); writing them as one
 * object keeps every field searchable in the JSON log line.
 */

/** The slice of a structured logger (pino, Nest's Logger) the kafkajs bridge needs. */
export interface KafkaLogSink {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
}

/**
 * The methods of a logger that take a structured message first, as a NestJS
 * `Logger` does (it hands objects to nestjs-pino as fields). Structural, so
 * this library loads no NestJS code.
 */
export interface StructuredMessageLogger {
  error(message: object): void;
  warn(message: object): void;
  log(message: object): void;
  debug(message: object): void;
}

/**
 * A {@link KafkaLogSink} writing `{ msg, ...fields }` to `logger`, with
 * kafkajs's `info` mapped to the logger's `log`:
 * `createKafkaClient(config, { logger: kafkaLogSinkFrom(new Logger(MyService.name)) })`.
 */
export function kafkaLogSinkFrom(logger: StructuredMessageLogger): KafkaLogSink {
  const forward =
    (level: keyof StructuredMessageLogger) =>
    (fields: Record<string, unknown>, msg: string): void =>
      logger[level]({ msg, ...fields });
  return { error: forward('error'), warn: forward('warn'), info: forward('log'), debug: forward('debug') };
}
