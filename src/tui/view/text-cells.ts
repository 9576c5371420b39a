// Fitting host text into fixed-width terminal cells. Text is escaped (src/text/sanitize.ts) first; then measured
// by display width, since a CJK name takes two columns and would shift every column after it.
import { escapeControls } from '../../text/sanitize.js';

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

function isZeroWidth(code: number): boolean {
  return (code >= 0x300 && code <= 0x36f) || code === 0x200b || code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f);
}

function charWidth(ch: string): number {
  const code = ch.codePointAt(0)!;
  return isZeroWidth(code) ? 0 : isWide(code) ? 2 : 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch);
  return w;
}

/** Escaped, cut to `width` columns (marking the cut with …) and padded; right-aligned when asked. */
export function fitCell(raw: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const s = escapeControls(raw);
  let out = s;
  if (displayWidth(s) > width) {
    out = '';
    let w = 0;
    for (const ch of s) {
      const cw = charWidth(ch);
      if (w + cw > width - 1) break;
      out += ch;
      w += cw;
    }
    out += '…';
  }
  const pad = ' '.repeat(Math.max(0, width - displayWidth(out)));
  return align === 'right' ? pad + out : out + pad;
}

/** blessed parses {tags} in content; host text must never be read as one. */
export function escapeTags(s: string): string {
  return s.replace(/[{}]/g, (ch) => (ch === '{' ? '{open}' : '{close}'));
}
