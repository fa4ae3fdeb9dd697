import type { ComposeContext } from '../compose-context';

/**
 * One static check of the compose setup. `run` returns the problems it found,
 * each naming the service or file and what to change; an empty list passes.
 */
export interface ComposeCheck {
  readonly name: string;
  /** What the check guarantees, for the CLI's listing. */
  readonly description: string;
  run(ctx: ComposeContext): string[];
}
