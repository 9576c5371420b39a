// A failed build step (a RUN's non-zero exit): docker's message, exit code 1. An interrupted build exits as the
// signal that stopped it (130 for SIGINT), once its container is gone.
import { TctopError } from '../../errors.js';

export class BuildStepError extends TctopError {}

export class BuildInterruptedError extends TctopError {
  override readonly exitCode: number;

  constructor(signal: AbortSignal) {
    super('the build was interrupted');
    this.exitCode = typeof signal.reason === 'number' ? signal.reason : 130;
  }
}
