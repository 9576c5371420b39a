// The host's own network tools (iproute2's ip, nftables' nft, util-linux's unshare/nsenter), run with a script on
// stdin so one exec does a whole batch. A failure is one clean line naming the tool and what it said.
import { spawn } from 'node:child_process';
import { NativeError } from '../../errors.js';
import { cell } from '../../text/sanitize.js';

const TOOL_TIMEOUT_MS = 15_000;

export interface ToolResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export function runTool(cmd: string, args: string[], input = ''): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new NativeError(
          missing
            ? `${cmd} not found: bridge networking needs ${cmd === 'nft' ? 'nftables' : cmd === 'ip' ? 'iproute2' : 'util-linux'} installed (or use --network none|host)`
            : `cannot run ${cmd}: ${e.message}`,
        ),
      );
    });
    child.stdin.on('error', () => {}); // a tool that exits before reading all of its script reports on stderr
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.end(input);
  });
}

/** Runs and insists on success. */
export async function mustRun(cmd: string, args: string[], input = '', what = cmd): Promise<string> {
  const r = await runTool(cmd, args, input);
  if (r.code !== 0) {
    const why = r.stderr.split('\n').find((l) => l.trim()) ?? `exit ${r.code}`;
    throw new NativeError(`${what} failed: ${cell(why.trim(), 300)}`);
  }
  return r.stdout;
}
