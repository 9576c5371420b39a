// An exposition body written straight into bytes, in chunks: a large scrape's body (8 MB at 1,000 containers)
// built as one JavaScript string cost more in string concatenation, flattening and GC than every other step of
// the render together. The chunks are served as they are, so the body is never copied into one buffer either.
const CHUNK = 256 * 1024;

export class ByteSink {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private done = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
    this.done += this.pos;
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.pos = 0;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** Text as UTF-8; the short ASCII texts of a body (numbers, names, label values) byte by byte. */
  text(s: string): void {
    const n = s.length;
    this.room(n * 3);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        this.pos += buf.write(s, this.pos, 'utf8');
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /** The body's chunks (no more writes after this). */
  end(): Buffer[] {
    if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
    this.done += this.pos;
    this.pos = 0;
    this.buf = Buffer.alloc(0);
    return this.chunks;
  }

  get length(): number {
    return this.done + this.pos;
  }
}
