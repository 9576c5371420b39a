// The blessed screen, configured against its known glitches, and the promise that the terminal is given back
// whatever happens (q, Ctrl-C, SIGTERM, an uncaught error).
import blessed from 'blessed';

export function createScreen(): blessed.Widgets.Screen {
  const screen = blessed.screen({
    smartCSR: true,
    // measure wide (CJK) and combining characters as the terminal does, so columns stay aligned
    fullUnicode: true,
    // draw lines with Unicode box characters, never the ACS alternate charset that tmux and some locales garble
    forceUnicode: true,
    dockBorders: true,
    // blessed prints terminfo warnings (e.g. xterm-256color Setulc) straight onto the terminal
    warnings: false,
    autoPadding: true,
    sendFocus: false,
    // never set the terminal title: only what we draw in the screen reaches the terminal
    title: undefined,
  });
  // a terminal that went away (its window closed, tmux killed) makes the last writes fail with EIO: the dashboard
  // is ending then anyway, and an unhandled stream error would crash it instead of letting it leave cleanly
  process.stdout.on('error', () => undefined);
  // forceUnicode alone still maps box characters in content (└─) to ACS, which tmux shows as letters ("mq")
  (screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
  return screen;
}

/** Leaves the alternate screen, shows the cursor and returns the terminal to cooked mode. Idempotent. */
export function restoreTerminal(screen: blessed.Widgets.Screen): void {
  try {
    screen.destroy();
  } catch {
    // destroying twice or after the tty closed is harmless; the terminal is already ours again
  }
}
