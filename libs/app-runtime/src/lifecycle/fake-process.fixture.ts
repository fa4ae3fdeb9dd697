/** A `process` stand-in for shutdown tests: emit a signal, then await the exit code. */
import { EventEmitter } from 'node:events';
import type { SignalSource } from './graceful-shutdown';

/** Records each `exit(code)`; {@link exited} resolves with the first. */
export class FakeProcess extends EventEmitter implements SignalSource {
  readonly exits: number[] = [];
  readonly exited: Promise<number>;
  private resolveExit: (code: number) => void = () => undefined;

  constructor() {
    super();
    this.exited = new Promise<number>((resolve) => (this.resolveExit = resolve));
  }

  exit(code: number): void {
    this.exits.push(code);
    this.resolveExit(code);
  }
}
