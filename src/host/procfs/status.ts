// /proc/<pid>/status: only the lines tctop needs (NSpid chain, real uid).

export interface ProcStatus {
  /** Thread group ID: differs from the PID read when /proc/<tid> of a thread was opened directly. */
  tgid: number;
  nsPids: number[];
  uid: number;
}

/**
 * The value of `key`'s line ("Tgid:\t123" -> "\t123"). Found by its line start, not by splitting the ~55 lines (a
 * cold scan parses thousands of these): the kernel escapes a newline in Name, the only free-form line.
 */
function field(text: string, key: string): string | undefined {
  const head = `${key}:`;
  let from = head.length;
  if (!text.startsWith(head)) {
    const at = text.indexOf(`\n${head}`);
    if (at < 0) return undefined;
    from += at + 1;
  }
  const end = text.indexOf('\n', from);
  return text.slice(from, end < 0 ? undefined : end);
}

export function parseStatus(text: string): ProcStatus {
  const ns = field(text, 'NSpid');
  const tgid = field(text, 'Tgid');
  const uid = field(text, 'Uid');
  return {
    tgid: tgid === undefined ? -1 : Number(tgid),
    nsPids: ns === undefined ? [] : ns.trim().split(/\s+/).map(Number),
    uid: uid === undefined ? -1 : Number(uid.trim().split(/\s+/)[0]),
  };
}
