// /proc/<pid>/status: only the lines tctop needs (NSpid chain, real uid).

export interface ProcStatus {
  /** Thread group ID: differs from the PID read when /proc/<tid> of a thread was opened directly. */
  tgid: number;
  nsPids: number[];
  uid: number;
}

export function parseStatus(text: string): ProcStatus {
  let nsPids: number[] = [];
  let uid = -1;
  let tgid = -1;
  for (const line of text.split('\n')) {
    if (line.startsWith('NSpid:')) nsPids = line.slice(6).trim().split(/\s+/).map(Number);
    else if (line.startsWith('Tgid:')) tgid = Number(line.slice(5));
    else if (line.startsWith('Uid:')) uid = Number(line.slice(4).trim().split(/\s+/)[0]);
  }
  return { tgid, nsPids, uid };
}
