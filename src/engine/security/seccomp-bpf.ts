// Compiles a resolved seccomp profile into a classic-BPF program for SECCOMP_SET_MODE_FILTER (x86_64), so the shim
// only loads bytes (no libseccomp to build against). Layout: arch check, "newer than our table" -> ENOSYS (as runc,
// so a libc falls back), a binary search on the syscall number, then each syscall's rules in profile order.
import { UnsupportedError } from '../../errors.js';
import type { ArgCondition, ResolvedProfile } from './seccomp-profile.js';
import { X86_64_MAX_SYSCALL, X86_64_SYSCALLS } from './syscalls-x86_64.js';

const AUDIT_ARCH_X86_64 = 0xc000003e;
const RET_KILL_PROCESS = 0x80000000;
const RET_ENOSYS = 0x00050000 | 38;
const BPF_MAXINSNS = 4096;

const LD_ABS = 0x20,
  JA = 0x05,
  JEQ = 0x15,
  JGT = 0x25,
  JGE = 0x35,
  AND = 0x54,
  RET = 0x06;

/** A label, or 'next' for the following instruction. */
type Target = number | 'next';
interface Insn {
  code: number;
  k: number;
  jt?: Target;
  jf?: Target;
  ja?: number;
}

class Assembler {
  readonly insns: Insn[] = [];
  private readonly at = new Map<number, number>();
  private nextLabel = 0;
  label(): number {
    return this.nextLabel++;
  }
  place(label: number): void {
    this.at.set(label, this.insns.length);
  }
  load(offset: number): void {
    this.insns.push({ code: LD_ABS, k: offset });
  }
  and(k: number): void {
    this.insns.push({ code: AND, k: k >>> 0 });
  }
  jump(code: number, k: number, jt: Target, jf: Target): void {
    this.insns.push({ code, k: k >>> 0, jt, jf });
  }
  goto(label: number): void {
    this.insns.push({ code: JA, k: 0, ja: label });
  }
  ret(k: number): void {
    this.insns.push({ code: RET, k: k >>> 0 });
  }
  bytes(): Buffer {
    if (this.insns.length > BPF_MAXINSNS)
      throw new UnsupportedError(`seccomp profile compiles to ${this.insns.length} BPF instructions (the kernel allows ${BPF_MAXINSNS})`);
    const out = Buffer.alloc(this.insns.length * 8);
    const rel = (i: number, t: Target | undefined): number => {
      if (t === undefined || t === 'next') return 0;
      const to = this.at.get(t);
      if (to === undefined || to <= i) throw new Error('seccomp compiler: unplaced or backward label');
      return to - i - 1;
    };
    this.insns.forEach((insn, i) => {
      let k = insn.k;
      let jt = 0,
        jf = 0;
      if (insn.ja !== undefined) k = rel(i, insn.ja);
      else if (insn.jt !== undefined) {
        jt = rel(i, insn.jt);
        jf = rel(i, insn.jf);
        if (jt > 255 || jf > 255) throw new Error('seccomp compiler: conditional jump out of range');
      }
      out.writeUInt16LE(insn.code, i * 8);
      out.writeUInt8(jt, i * 8 + 2);
      out.writeUInt8(jf, i * 8 + 3);
      out.writeUInt32LE(k >>> 0, i * 8 + 4);
    });
    return out;
  }
}

const hi32 = (v: bigint) => Number((v >> 32n) & 0xffffffffn);
const lo32 = (v: bigint) => Number(v & 0xffffffffn);

/** Falls through when the 64-bit condition holds, jumps to `fail` otherwise (args are little-endian u64s at 16+8i). */
function condition(a: Assembler, c: ArgCondition, fail: number): void {
  const lo = 16 + 8 * c.index,
    hi = lo + 4;
  const pass = a.label();
  const v = c.op === 'SCMP_CMP_MASKED_EQ' ? c.valueTwo : c.value;
  switch (c.op) {
    case 'SCMP_CMP_EQ':
    case 'SCMP_CMP_MASKED_EQ': {
      const mask = c.op === 'SCMP_CMP_MASKED_EQ' ? c.value : null;
      a.load(hi);
      if (mask !== null) a.and(hi32(mask));
      a.jump(JEQ, hi32(v), 'next', fail);
      a.load(lo);
      if (mask !== null) a.and(lo32(mask));
      a.jump(JEQ, lo32(v), 'next', fail);
      break;
    }
    case 'SCMP_CMP_NE':
      a.load(hi);
      a.jump(JEQ, hi32(v), 'next', pass);
      a.load(lo);
      a.jump(JEQ, lo32(v), fail, 'next');
      break;
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_GE':
      a.load(hi);
      a.jump(JGT, hi32(v), pass, 'next');
      a.jump(JEQ, hi32(v), 'next', fail);
      a.load(lo);
      a.jump(c.op === 'SCMP_CMP_GT' ? JGT : JGE, lo32(v), 'next', fail);
      break;
    case 'SCMP_CMP_LT':
    case 'SCMP_CMP_LE':
      a.load(hi);
      a.jump(JGT, hi32(v), fail, 'next');
      a.jump(JEQ, hi32(v), 'next', pass);
      a.load(lo);
      a.jump(c.op === 'SCMP_CMP_LT' ? JGE : JGT, lo32(v), fail, 'next');
      break;
  }
  a.place(pass);
}

/** Binary search over sorted syscall numbers; each leaf jumps to its syscall's block, a miss to `dflt`. */
function dispatch(a: Assembler, nrs: number[], blocks: Map<number, number>, dflt: number): void {
  if (nrs.length <= 4) {
    for (const nr of nrs) {
      const miss = a.label();
      a.jump(JEQ, nr, 'next', miss);
      a.goto(blocks.get(nr)!);
      a.place(miss);
    }
    a.goto(dflt);
    return;
  }
  const mid = nrs.length >> 1;
  const right = a.label();
  const left = a.label();
  a.jump(JGE, nrs[mid], 'next', left);
  a.goto(right);
  a.place(left);
  dispatch(a, nrs.slice(0, mid), blocks, dflt);
  a.place(right);
  dispatch(a, nrs.slice(mid), blocks, dflt);
}

export function compileSeccomp(profile: ResolvedProfile): Buffer {
  if (process.arch !== 'x64')
    throw new UnsupportedError(
      `seccomp filters are compiled for x86_64 only (this host is ${process.arch}); use --security-opt seccomp=unconfined`,
    );
  const bySyscall = new Map<number, ResolvedProfile['rules']>();
  for (const r of profile.rules) {
    const nr = X86_64_SYSCALLS.get(r.name);
    if (nr === undefined) continue; // another architecture's syscall, as libseccomp ignores it
    bySyscall.set(nr, [...(bySyscall.get(nr) ?? []), r]);
  }
  const a = new Assembler();
  const dflt = a.label();
  // i386 and other ABIs number syscalls differently: refused outright, as libseccomp's bad-arch action
  const archOk = a.label();
  a.load(4);
  a.jump(JEQ, AUDIT_ARCH_X86_64, archOk, 'next');
  a.ret(RET_KILL_PROCESS);
  a.place(archOk);
  // newer than our table (and every x32 call, bit 30 set): ENOSYS, so a libc falls back as on an older kernel
  const known = a.label();
  a.load(0);
  a.jump(JGT, X86_64_MAX_SYSCALL, 'next', known);
  a.ret(RET_ENOSYS);
  a.place(known);
  const nrs = [...bySyscall.keys()].sort((x, y) => x - y);
  const blocks = new Map(nrs.map((nr) => [nr, a.label()]));
  dispatch(a, nrs, blocks, dflt);
  for (const nr of nrs) {
    a.place(blocks.get(nr)!);
    // conditional rules in profile order, then the first unconditional one (libseccomp's catch-all)
    const rules = bySyscall.get(nr)!;
    const ordered = [...rules.filter((r) => r.args.length), ...rules.filter((r) => !r.args.length).slice(0, 1)];
    for (const r of ordered) {
      const fail = a.label();
      for (const c of r.args) condition(a, c, fail);
      a.ret(r.action);
      a.place(fail);
    }
    a.goto(dflt);
  }
  a.place(dflt);
  a.ret(profile.defaultAction);
  return a.bytes();
}
