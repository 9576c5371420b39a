// Writing to stdout without process.stdout: its getter builds a stream, and for a pipe (a script capturing the
// output) a net.Socket, loading node:net and the stream modules: ~2.5 ms of a one-shot command whose whole output is
// a line (`build -q` prints an image ID). A blocking fd takes the bytes in write(2) calls; a non-blocking pipe that is
// full (EAGAIN) hands what is left to process.stdout, in order. A reader gone (EPIPE: `| head`) ends the output,
// silently: with writeStdout the command goes on and finishes, as under docker (a build whose ID nobody reads is
// still built); with writeOutput, for a command whose output is all it does (ps, inspect), it ends there with a
// SIGPIPE death's code, as ps(1) does. Never a stack trace.
import { writeSync } from 'node:fs';
import { errnoOf } from '../errors.js';
import { endOnClosedPipe } from './closed-pipe.js';

let mode: 'direct' | 'stream' | 'gone' = 'direct';

/** Whether output was handed to process.stdout, whose buffer a full pipe may still hold. */
export function stdoutBuffered(): boolean {
  return mode === 'stream';
}

export function writeStdout(text: string): void {
  if (mode === 'gone') return;
  const bytes = Buffer.from(text);
  let done = 0;
  if (mode === 'direct') {
    try {
      while (done < bytes.length) done += writeSync(1, bytes, done, bytes.length - done);
      return;
    } catch (err) {
      if (errnoOf(err) !== 'EAGAIN') {
        mode = 'gone';
        return;
      }
      mode = 'stream';
      process.stdout.on('error', () => (mode = 'gone'));
    }
  }
  process.stdout.write(bytes.subarray(done));
}

/** The command's output, all it does: a reader gone ends the command (closed-pipe.ts) rather than the output alone. */
export function writeOutput(text: string): void {
  writeStdout(text);
  if (mode === 'gone') endOnClosedPipe();
}
