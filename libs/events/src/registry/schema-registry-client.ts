/**
 * The registry operations the serde and the deploy command need, behind a
 * small interface, implemented over the REST client of
 * `@kafkajs/confluent-schema-registry` (see docs/decisions.md for why that
 * client). Every failure comes out as a typed {@link EventsError}.
 */
import createRegistryApi, {
  type SchemaRegistryAPIClient,
  type SchemaRegistryAPIClientArgs,
} from '@kafkajs/confluent-schema-registry/dist/api';
import {
  EventsError,
  RecordContext,
  RegistryRequestError,
  RegistryUnavailableError,
  UnknownSchemaIdError,
} from '../errors';
import type { CompatibilityLevel } from '../compatibility/compatibility-level';
import type { RegistryConfig } from './registry-config';

/** A schema as registered under a subject. */
export interface SubjectVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  /** The schema text as the registry stores it. */
  readonly schema: string;
}

/** The Confluent-API registry operations `@eda/events` uses. Swap in another implementation for tests. */
export interface SchemaRegistryClient {
  /** Base URL, for error messages. */
  readonly url: string;
  /** The schema text registered under a global id. Throws {@link UnknownSchemaIdError} when there is none. */
  getSchemaById(id: number, context?: RecordContext): Promise<string>;
  /** The version of `subject` whose schema equals `schema`, or undefined when it is not registered there. */
  lookup(subject: string, schema: string): Promise<SubjectVersion | undefined>;
  /** Registers `schema` under `subject` (idempotent) and returns its global id. */
  register(subject: string, schema: string): Promise<number>;
  /** The latest version of `subject`, or undefined when the subject does not exist. */
  latest(subject: string): Promise<SubjectVersion | undefined>;
  /** The subject's own compatibility level, or undefined when it inherits the global one. */
  getCompatibility(subject: string): Promise<CompatibilityLevel | undefined>;
  /** Sets the subject's compatibility level. */
  setCompatibility(subject: string, level: CompatibilityLevel): Promise<void>;
  /** Asks the registry whether `schema` may be registered under `subject` given its compatibility level. */
  isCompatible(subject: string, schema: string): Promise<boolean>;
}

/**
 * Node network failures and mappersmith's timeout surface from the client as
 * HTTP "400" with the error text as message; these patterns tell them apart
 * from a real 400 answer.
 */
const NETWORK_FAILURE =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|EPIPE|socket hang up|Timeout \(\d+ms\)/;

interface ClientResponseError {
  status?: number;
  message?: string;
}

/** Creates the production client from a validated {@link RegistryConfig}. */
export function createSchemaRegistryClient(config: RegistryConfig): SchemaRegistryClient {
  return new ConfluentApiRegistryClient(config);
}

/** Implementation over `@kafkajs/confluent-schema-registry`'s mappersmith REST client. */
class ConfluentApiRegistryClient implements SchemaRegistryClient {
  readonly url: string;
  private readonly api: SchemaRegistryAPIClient;

  constructor(config: RegistryConfig) {
    this.url = config.url;
    const args: SchemaRegistryAPIClientArgs = {
      host: config.url,
      clientId: 'eda-events',
      // The client retries 5xx answers itself; network errors are left to the
      // caller, which knows whether to retry (deploy) or dead-letter later (consumer).
      retry: { retries: config.retries },
      middlewares: [requestTimeout(config.timeoutMs)],
      ...(config.auth ? { auth: config.auth } : {}),
    };
    this.api = createRegistryApi(args);
  }

  async getSchemaById(id: number, context?: RecordContext): Promise<string> {
    const data = await this.call(`GET /schemas/ids/${id}`, () => this.api.Schema.find({ id }), context, {
      404: () => {
        throw new UnknownSchemaIdError(id, context);
      },
    });
    return (data as { schema: string }).schema;
  }

  async lookup(subject: string, schema: string): Promise<SubjectVersion | undefined> {
    const data = await this.call(
      `POST /subjects/${subject}`,
      () => this.api.Subject.registered({ subject, body: { schema } }),
      undefined,
      {
        404: () => undefined,
      },
    );
    return data === undefined ? undefined : (data as SubjectVersion);
  }

  async register(subject: string, schema: string): Promise<number> {
    const data = await this.call(`POST /subjects/${subject}/versions`, () =>
      this.api.Subject.register({ subject, body: { schema } }),
    );
    return (data as { id: number }).id;
  }

  async latest(subject: string): Promise<SubjectVersion | undefined> {
    const data = await this.call(
      `GET /subjects/${subject}/versions/latest`,
      () => this.api.Subject.latestVersion({ subject }),
      undefined,
      {
        404: () => undefined,
      },
    );
    return data === undefined ? undefined : (data as SubjectVersion);
  }

  async getCompatibility(subject: string): Promise<CompatibilityLevel | undefined> {
    const data = await this.call(
      `GET /config/${subject}`,
      () => this.api.Subject.config({ subject }),
      undefined,
      {
        404: () => undefined,
      },
    );
    return (data as { compatibilityLevel?: CompatibilityLevel } | undefined)?.compatibilityLevel;
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await this.call(`PUT /config/${subject}`, () =>
      this.api.Subject.updateConfig({ subject, body: { compatibility: level } }),
    );
  }

  async isCompatible(subject: string, schema: string): Promise<boolean> {
    const data = await this.call(
      `POST /compatibility/subjects/${subject}/versions/latest`,
      () => this.api.Subject.compatible({ subject, version: 'latest', verbose: true, body: { schema } }),
      undefined,
      // No subject yet: nothing to be incompatible with.
      { 404: () => ({ is_compatible: true }) },
    );
    return (data as { is_compatible: boolean }).is_compatible;
  }

  /** Runs one request and maps failures to typed errors; `on` handles expected statuses. */
  private async call(
    what: string,
    request: () => Promise<{ data(): unknown }>,
    context?: RecordContext,
    on: Partial<Record<number, () => unknown>> = {},
  ): Promise<unknown> {
    try {
      return (await request()).data();
    } catch (err) {
      const status = (err as ClientResponseError).status ?? 0;
      const handler = on[status];
      if (handler && !isNetworkFailure(err)) {
        return handler();
      }
      throw this.toEventsError(what, err, context);
    }
  }

  private toEventsError(what: string, err: unknown, context?: RecordContext): EventsError {
    if (err instanceof EventsError) return err;
    const { status = 0, message = String(err) } = err as ClientResponseError;
    // The client prefixes its client id ("eda-events - "); keep the registry's own words.
    const detail = `${what}: ${message.replace(/^eda-events - /, '')}`;
    if (status >= 500 || status === 408 || status === 0 || isNetworkFailure(err)) {
      return new RegistryUnavailableError(this.url, detail, context, err);
    }
    return new RegistryRequestError(status, detail, err);
  }
}

function isNetworkFailure(err: unknown): boolean {
  const { status, message = '' } = err as ClientResponseError;
  return status === 400 && NETWORK_FAILURE.test(message);
}

type RegistryMiddleware = NonNullable<SchemaRegistryAPIClientArgs['middlewares']>[number];

/**
 * Bounds every request: a registry that accepts the connection and then hangs
 * must not stall a consumer forever. (mappersmith ships the same middleware,
 * but it is not a dependency of ours.)
 */
function requestTimeout(timeoutMs: number): RegistryMiddleware {
  return () => ({
    async prepareRequest(next) {
      const request = await next();
      return request.timeout() ? request : request.enhance({ timeout: timeoutMs });
    },
  });
}
