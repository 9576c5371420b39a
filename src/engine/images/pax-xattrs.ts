// node-tar drops the SCHILY.xattr.* records of PAX headers (file capabilities, ACLs, user xattrs). This scanner reads
// the same tar bytes alongside it, block by block, and keeps those records per entry, numbered in the order node-tar
// hands entries to our filter (non-meta entries of the types it extracts).
import { Header } from 'tar';

/** Attributes a container image may carry; trusted.* (overlay's own control attributes) and others are dropped. */
const ALLOWED = /^(?:user\.[\w.:@+-]+|security\.capability|system\.posix_acl_access|system\.posix_acl_default)$/;
const MAX_PAX = 1 << 20;
const EXTRACTED_TYPES = new Set([
  'File',
  'OldFile',
  'ContiguousFile',
  'Link',
  'SymbolicLink',
  'CharacterDevice',
  'BlockDevice',
  'Directory',
  'FIFO',
  'GNUDumpDir',
]);

export type Xattrs = Map<string, Buffer>;

export class PaxXattrScanner {
  /** Entry index -> its xattrs. */
  readonly byEntry = new Map<number, Xattrs>();
  private pending = Buffer.alloc(0);
  private skip = 0;
  private paxBody: Buffer[] | undefined;
  private paxLeft = 0;
  private next: { xattrs?: Xattrs; size?: number } = {};
  private index = 0;
  private broken = false;

  write(chunk: Buffer): void {
    if (this.broken) return;
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (data.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length);
        if (this.paxBody) {
          const take = Math.min(n, this.paxLeft);
          if (take > 0) this.paxBody.push(data.subarray(0, take));
          this.paxLeft -= take;
        }
        this.skip -= n;
        data = data.subarray(n);
        if (this.skip === 0 && this.paxBody) this.finishPax();
        continue;
      }
      if (data.length < 512) break;
      this.header(data.subarray(0, 512));
      data = data.subarray(512);
      if (this.broken) return;
    }
    this.pending = Buffer.from(data);
  }

  private header(block: Buffer): void {
    const h = new Header(block);
    if (h.nullBlock) return;
    if (!h.cksumValid) {
      // out of step with node-tar (which refuses such input anyway): keep nothing rather than misattribute
      this.broken = true;
      this.byEntry.clear();
      return;
    }
    const type = h.type ?? '';
    let size = h.size ?? 0;
    if (type === 'ExtendedHeader') {
      this.paxBody = size <= MAX_PAX ? [] : undefined;
      this.paxLeft = size;
    } else if (EXTRACTED_TYPES.has(type) || !/Header|Long|Ignore/.test(type)) {
      if (this.next.size !== undefined && type !== 'Directory') size = this.next.size;
      if (EXTRACTED_TYPES.has(type)) {
        if (this.next.xattrs?.size) this.byEntry.set(this.index, this.next.xattrs);
        this.index++;
      }
      this.next = {};
    }
    if (type === 'Directory') size = 0; // as node-tar: a directory never has a body
    this.skip = Math.ceil(size / 512) * 512;
    if (this.skip === 0 && this.paxBody) this.finishPax();
  }

  private finishPax(): void {
    const body = Buffer.concat(this.paxBody ?? []);
    this.paxBody = undefined;
    const xattrs: Xattrs = new Map();
    let pos = 0;
    while (pos < body.length) {
      const space = body.indexOf(0x20, pos);
      const len = Number(body.subarray(pos, space).toString());
      if (space < 0 || !Number.isInteger(len) || len <= 0 || pos + len > body.length) break;
      const record = body.subarray(space + 1, pos + len - 1); // without the trailing newline
      const eq = record.indexOf(0x3d);
      const key = record.subarray(0, eq).toString();
      const value = record.subarray(eq + 1);
      if (key.startsWith('SCHILY.xattr.')) {
        const name = key.slice('SCHILY.xattr.'.length);
        if (ALLOWED.test(name)) xattrs.set(name, Buffer.from(value));
      } else if (key === 'size') this.next.size = Number(value.toString());
      pos += len;
    }
    if (xattrs.size) this.next.xattrs = xattrs;
  }
}
