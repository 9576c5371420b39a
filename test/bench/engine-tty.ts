// `run -it` start-to-prompt, measured as a user meets it: the command runs on a real pseudo-terminal (util-linux
// `script`, which gives its child a pty and relays it), and the clock stops when the shell's prompt is on screen.
import { spawn } from 'node:child_process';

const PROMPT = /\/ # /;

/** Milliseconds from spawning `cmd args` on a pty to the prompt; then types `exit` and waits for the end. */
export function startToPrompt(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const line = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('script', ['-qefc', line, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let ms: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (ms === undefined && PROMPT.test(out)) {
        ms = Number(process.hrtime.bigint() - t0) / 1e6;
        child.stdin.end('exit\n');
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('close', () => {
      clearTimeout(timer);
      if (ms === undefined) reject(new Error(`${line}: no prompt; output was ${JSON.stringify(out.slice(-300))}`));
      else resolve(ms);
    });
  });
}
