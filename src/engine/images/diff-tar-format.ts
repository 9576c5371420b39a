// A deterministic tar writer for the layers tctop makes (commit, build) and the archives it writes (save): the same
// entries always give the same bytes, so a layer regenerated from the store has the diff_id it was stored under.
// ustar headers; a PAX header only where ustar cannot say it (long or non-ASCII names, big numbers, xattrs).

export type TarType = 'file' | 'hardlink' | 'symlink' | 'char' | 'dir' | 'fifo';

export interface TarHeader {
  /** Relative path, no leading "./"; directories get their trailing slash here. */
  path: Buffer;
  type: TarType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Whole seconds: what the extraction restores, so regeneration matches. */
  mtime: number;
  linkpath?: Buffer;
  devmajor?: number;
  devminor?: number;
  xattrs?: Map<string, Buffer>;
}

const TYPE_FLAG: Record<TarType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', dir: '5', fifo: '6' };
const MAX_OCTAL_7 = 0o7777777;
const MAX_OCTAL_11 = 0o77777777777;
const BLOCK = 512;

function plainAscii(b: Buffer): boolean {
  for (const c of b) if (c < 0x20 || c > 0x7e) return false;
  return true;
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, width, 'ascii');
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function ustarBlock(
  name: Buffer,
  flag: string,
  h: { mode: number; uid: number; gid: number; size: number; mtime: number; linkpath?: Buffer; devmajor?: number; devminor?: number },
): Buffer {
  const block = Buffer.alloc(BLOCK);
  name.copy(block, 0, 0, Math.min(name.length, 100));
  octal(block, 100, 8, h.mode & 0o7777);
  octal(block, 108, 8, Math.min(h.uid, MAX_OCTAL_7));
  octal(block, 116, 8, Math.min(h.gid, MAX_OCTAL_7));
  octal(block, 124, 12, Math.min(h.size, MAX_OCTAL_11));
  octal(block, 136, 12, Math.max(0, Math.min(h.mtime, MAX_OCTAL_11)));
  block.write(flag, 156, 1, 'ascii');
  if (h.linkpath) h.linkpath.copy(block, 157, 0, Math.min(h.linkpath.length, 100));
  block.write('ustar\0' + '00', 257, 8, 'ascii');
  octal(block, 329, 8, h.devmajor ?? 0);
  octal(block, 337, 8, h.devminor ?? 0);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return block;
}

/** The header block(s) of one entry: a PAX extended header first when needed. */
export function encodeHeader(h: TarHeader): Buffer {
  const records: Buffer[] = [];
  if (h.path.length > 100 || !plainAscii(h.path)) records.push(paxRecord('path', h.path));
  if (h.linkpath && (h.linkpath.length > 100 || !plainAscii(h.linkpath))) records.push(paxRecord('linkpath', h.linkpath));
  if (h.uid > MAX_OCTAL_7) records.push(paxRecord('uid', Buffer.from(String(h.uid))));
  if (h.gid > MAX_OCTAL_7) records.push(paxRecord('gid', Buffer.from(String(h.gid))));
  if (h.size > MAX_OCTAL_11) records.push(paxRecord('size', Buffer.from(String(h.size))));
  for (const [name, value] of [...(h.xattrs ?? new Map<string, Buffer>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    records.push(paxRecord(`SCHILY.xattr.${name}`, value));
  }
  const main = ustarBlock(h.path, TYPE_FLAG[h.type], h);
  if (records.length === 0) return main;
  const body = Buffer.concat(records);
  const pax = ustarBlock(Buffer.from('././@PaxHeader'), 'x', { mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 0 });
  return Buffer.concat([pax, body, padding(body.length), main]);
}

/** Zero bytes up to the next 512-byte boundary after `size` bytes of content. */
export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest);
}

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);
