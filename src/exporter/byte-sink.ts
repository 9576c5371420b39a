// An exposition body written straight into bytes, in chunks: a large scrape's body (10 MB at 1,000 containers)
// built as one JavaScript string cost more in string concatenation, flattening and GC than every other step of
// the render together. The chunks are served as they are, so the body is never copied into one buffer either,
// and they are used again for a later body once no response holds them (ChunkPool): a new 10 MB of buffers every
// scrape, freed only when the GC got round to them, kept 20-80 MB of dead bodies in the exporter's RSS.
const CHUNK = 256 * 1024;

/** Spare chunks of bodies no one serves any more, for the next render; at most `max` are kept. */
export class ChunkPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly max = 64) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(CHUNK);
  }

  give(chunks: readonly Buffer[]): void {
    for (const c of chunks) if (c.length === CHUNK && this.free.length < this.max) this.free.push(c);
  }

  get size(): number {
    return this.free.length;
  }
}

export class ByteSink {
  private readonly chunks: Buffer[] = [];
  /** The whole buffers behind `chunks` (each chunk is a view of the written part of one). */
  private readonly backing: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;
  private done = 0;

  constructor(private readonly pool?: ChunkPool) {
    this.buf = this.fresh(0);
  }

  private fresh(n: number): Buffer {
    const b = n <= CHUNK && this.pool ? this.pool.take() : Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.backing.push(b);
    return b;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
    this.done += this.pos;
    this.buf = this.fresh(n);
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

  /**
   * A safe integer's decimal digits, as String(n) writes them, without making the string: most of a body's values
   * are byte and count integers, and 50,000 short strings a scrape were young garbage beside a snapshot still young.
   */
  integer(n: number): void {
    this.room(17);
    const buf = this.buf;
    let v = n;
    if (v < 0) {
      buf[this.pos++] = 0x2d; // '-'
      v = -v;
    }
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    do {
      // exact below 2^53: v / 10 is off by less than the tenth its digit leaves
      const q = Math.floor(v / 10);
      buf[--p] = 0x30 + (v - q * 10);
      v = q;
    } while (v > 0);
  }

  /** The body's chunks and the buffers behind them (no more writes after this). */
  end(): { chunks: Buffer[]; backing: Buffer[] } {
    if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
    this.done += this.pos;
    this.pos = 0;
    return { chunks: this.chunks, backing: this.backing };
  }

  get length(): number {
    return this.done + this.pos;
  }
}
