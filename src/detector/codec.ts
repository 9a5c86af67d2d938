/** Little-endian binary writer/reader for the detector's compact state. */

/** Where state is written: a BinaryWriter, or a ByteCounter that only measures. */
export interface ByteSink {
  u8(v: number): void;
  u16(v: number): void;
  u32(v: number): void;
  f32(v: number): void;
  f64(v: number): void;
  string(s: string): void;
}

/** Counts the bytes a write would take, so the writer can reserve exactly that. */
export class ByteCounter implements ByteSink {
  length = 0;

  u8(): void {
    this.length += 1;
  }
  u16(): void {
    this.length += 2;
  }
  u32(): void {
    this.length += 4;
  }
  f32(): void {
    this.length += 4;
  }
  f64(): void {
    this.length += 8;
  }
  string(s: string): void {
    this.length += 4 + Buffer.byteLength(s, 'utf8');
  }
}

export class BinaryWriter implements ByteSink {
  private static readonly CHUNK = 1 << 20;
  // Fixed-size chunks, joined once at the end: a 40 MB state never needs doubling copies. Given the exact
  // size up front (a ByteCounter's), there is one chunk and no join: the state is in memory once, not twice.
  private readonly done: Uint8Array[] = [];
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(capacity = BinaryWriter.CHUNK) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.done.push(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(Math.max(BinaryWriter.CHUNK, n));
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }

  u8(v: number): void {
    this.ensure(1);
    this.view.setUint8(this.pos, v);
    this.pos += 1;
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  string(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.u32(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
  bytes(): Uint8Array {
    if (this.done.length === 0) return this.buf.subarray(0, this.pos);
    const parts = [...this.done, this.buf.subarray(0, this.pos)];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export class BinaryReader {
  private readonly view: DataView;
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.byteLength) throw new Error(`detector state is truncated at byte ${this.pos}`);
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  string(): string {
    const n = this.u32();
    this.need(n);
    const s = new TextDecoder().decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  get done(): boolean {
    return this.pos === this.buf.byteLength;
  }
}

/** A map as its size, then each key and value in key order (the state is the same bytes whatever the insertion order). */
export function writeMap<V>(w: ByteSink, map: ReadonlyMap<string, V>, value: (v: V, key: string) => void): void {
  w.u32(map.size);
  for (const [key, v] of [...map].sort(([a], [b]) => (a < b ? -1 : 1))) {
    w.string(key);
    value(v, key);
  }
}

export function readMap<V>(r: BinaryReader, into: Map<string, V>, value: () => V): void {
  for (let n = r.u32(); n > 0; n--) {
    const key = r.string();
    into.set(key, value());
  }
}
