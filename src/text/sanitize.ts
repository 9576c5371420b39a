// Text from the host (process names, command lines, container names) is hostile: it may carry escape sequences
// that would retitle or repaint the user's terminal, invalid UTF-8 and megabytes of junk. Everything printed to
// a terminal or a table passes through here.

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code === 0x0a) return '\\n';
  if (code === 0x09) return '\\t';
  if (code === 0x0d) return '\\r';
  if (code === 0x1b) return '\\e';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Control characters (C0, DEL, C1) and bidi overrides shown as visible escapes; never reach a terminal raw. */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, escapeChar);
}

/** Shorten to at most `max` characters (by code point), marking the cut. */
export function truncate(s: string, max: number): string {
  if (max <= 0) return '';
  if (s.length <= max) return s;
  const cps = Array.from(s);
  if (cps.length <= max) return s;
  return max === 1 ? '…' : cps.slice(0, max - 1).join('') + '…';
}

/** Safe for one table cell: escaped, then shortened. */
export function cell(s: string, max = 4096): string {
  return truncate(escapeControls(s), max);
}

/**
 * Decode bytes read from the host. Valid UTF-8 decodes as is; otherwise each invalid byte is shown as \xNN so
 * nothing is silently replaced (as U+FFFD would) and nothing raw survives.
 */
export function decodeHostBytes(buf: Buffer): string {
  const text = buf.toString('utf8');
  if (!text.includes('\ufffd')) return text;
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len > 0 && i + len <= buf.length) {
      const piece = buf.subarray(i, i + len);
      const s = piece.toString('utf8');
      if (!s.includes('\ufffd') || (len === 3 && piece.equals(Buffer.from('\ufffd')))) {
        out += s;
        i += len;
        continue;
      }
    }
    out += `\\x${b.toString(16).padStart(2, '0')}`;
    i += 1;
  }
  return out;
}
