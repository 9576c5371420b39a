// `tctop ps | head`: the reader went away. The command ends quietly, with the shell's code for a SIGPIPE death, as
// ps(1) and docker end: never a stack trace. Whether it arrives through process.stdout (main.ts) or a direct write
// (stdout-direct.ts).
export function endOnClosedPipe(): never {
  process.exit(141);
}
