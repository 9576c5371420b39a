// A failed build step (a RUN's non-zero exit, an interruption): docker's message, exit code 1.
import { TctopError } from '../../errors.js';

export class BuildStepError extends TctopError {}
