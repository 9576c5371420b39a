// Drives the real `bin/tctop` inside a real tmux (its own server socket, so a user's tmux is never touched):
// send keys, read the pane, read the pane's title and terminal modes, and the exit code the dashboard left.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class TmuxDashboard {
  readonly socket = `tctop-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'tctop-tui-'));
  readonly exitFile = join(this.dir, 'exit');

  /** Starts `bin/tctop <args>` in a detached session of the given size; the pane stays after it exits. */
  constructor(args: string[], size: { width: number; height: number } = { width: 120, height: 40 }, env: Record<string, string> = {}) {
    const bin = resolve('bin/tctop');
    const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const envs = Object.entries(env)
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ');
    // the wrapper keeps the pane (and the terminal state the dashboard left behind) alive for inspection
    const script = `${envs} ${quoted}; echo $? > '${this.exitFile}'; exec sleep 600`;
    this.tmux('new-session', '-d', '-x', String(size.width), '-y', String(size.height), 'sh', '-c', script);
  }

  tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  screen(): string {
    return this.tmux('capture-pane', '-p');
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }

  /** Literal text, not key names. */
  type(text: string): void {
    this.tmux('send-keys', '-l', text);
  }

  /** A tmux format of the pane: '#{pane_title}', '#{alternate_on}', '#{cursor_flag}'... */
  display(format: string): string {
    return this.tmux('display', '-p', format).trim();
  }

  resize(width: number, height: number): void {
    this.tmux('resize-window', '-x', String(width), '-y', String(height));
  }

  /** Waits until the pane shows what `test` accepts; on timeout throws with the last screen. */
  async waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs = 10_000, what = String(test)): Promise<string> {
    const ok = typeof test === 'function' ? test : (s: string) => test.test(s);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (ok(last)) return last;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
  }

  /** The dashboard's exit code once it has exited, else undefined. */
  exitCode(): number | undefined {
    try {
      return Number(readFileSync(this.exitFile, 'utf8').trim());
    } catch {
      return undefined;
    }
  }

  async waitExit(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const code = this.exitCode();
      if (code !== undefined && !Number.isNaN(code)) return code;
      await sleep(100);
    }
    throw new Error(`dashboard did not exit; screen was:\n${this.screen()}`);
  }

  /** Host PID of the dashboard (the node child of the pane's shell). */
  dashboardPid(): number | undefined {
    const shellPid = Number(this.display('#{pane_pid}'));
    const r = spawnSync('pgrep', ['-P', String(shellPid), '-f', 'bin/tctop'], { encoding: 'utf8' });
    const pid = Number(r.stdout.trim().split('\n')[0]);
    return pid > 0 ? pid : undefined;
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}
