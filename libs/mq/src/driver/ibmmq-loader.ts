/**
 * Loads the `ibmmq` package on first use, as NestJS loads a transport's
 * client library: importing `@eda/mq` never touches it, so apps and tests
 * that do not talk to a real queue manager need neither the package's native
 * addon nor the MQ C client (`libmqm_r`) it opens at load time.
 */
import type { IbmMqDriver } from '../external/ibmmq.interface';
import { MqDriverUnavailableError } from '../errors/mq-errors';

let cached: IbmMqDriver | undefined;

/** How the module is required; replaceable in tests. */
export type ModuleLoader = (name: string) => unknown;

/**
 * Returns the `ibmmq` module, loading it once.
 * @throws MqDriverUnavailableError (not retriable) when it cannot be loaded:
 *   typically the MQ C client is not installed (installs set MQIJS_NOREDIST).
 */
export function loadIbmMq(load?: ModuleLoader): IbmMqDriver {
  if (!load && cached) return cached;
  let driver: IbmMqDriver;
  try {
    // A plain require inside the function: bundlers and the module graph never see it at start-up.
    driver = (load ?? ((name: string) => require(name)))('ibmmq') as IbmMqDriver;
  } catch (err) {
    throw new MqDriverUnavailableError(err);
  }
  if (!load) cached = driver;
  return driver;
}
