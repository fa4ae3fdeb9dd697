/** Errors of the simulations feature, typed, with `retriable` and what to do. */
import { EdaError } from '@eda/base';

/** Base of the simulator's errors. */
export class SimulationError extends EdaError {
  constructor(code: string, message: string, retriable = false) {
    super(code, message, { retriable });
  }
}

/** The requested backend has no publisher in this deployment, e.g. `mq` without its variables (HTTP 501). */
export class BackendNotAvailableError extends SimulationError {
  constructor(readonly backend: string) {
    super(
      'EDA_SIMULATOR_BACKEND_NOT_AVAILABLE',
      backend === 'mq'
        ? 'backend "mq" is not configured in this deployment: set MQ_QMGR, MQ_CONN_NAME and MQ_CHANNEL ' +
            '(and MQ_USER with MQ_PASSWORD_FILE or MQ_PASSWORD; MQ_QUEUE defaults to DEV.ITEMS) and restart, ' +
            'or use backend "kafka".'
        : `backend "${backend}" is not available in this deployment. Use backend "kafka".`,
    );
  }
}

/** No simulation has this id (never started, or finished and evicted) (HTTP 404). */
export class SimulationNotFoundError extends SimulationError {
  constructor(readonly id: string) {
    super(
      'EDA_SIMULATOR_NOT_FOUND',
      `simulation ${id} does not exist (finished ones are kept for a while only)`,
    );
  }
}

/** A request asks for more than this deployment allows (HTTP 400). */
export class SimulationLimitError extends SimulationError {
  constructor(field: string, detail: string) {
    super('EDA_SIMULATOR_LIMIT', `${field} ${detail}`);
  }
}
