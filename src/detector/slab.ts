/**
 * A key's numbers live in typed arrays carved from one buffer, each view
 * starting at a multiple of its element size (padded where a narrower one
 * came before: carving widest first wastes nothing): ten thousand keys cost
 * ten thousand buffers, not ten times as many, and the state writes and reads
 * as plain arrays.
 */
import type { BinaryReader, ByteSink } from './codec';

export type StateArray = Float64Array | Float32Array | Uint16Array;

export class Slab {
  private readonly buffer: ArrayBuffer;
  private offset = 0;
  private readonly carved: StateArray[] = [];

  /** `bytes` from {@link Slab.measure} of the same layout. */
  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }

  /** The bytes a layout (a function carving arrays in a fixed order) takes, alignment padding included. */
  static measure(layout: (slab: Slab) => void): number {
    const probe = new Slab(1 << 16);
    layout(probe);
    return probe.offset;
  }

  f64(length: number): Float64Array {
    return this.keep(new Float64Array(this.buffer, this.take(8 * length, 8), length));
  }

  f32(length: number): Float32Array {
    return this.keep(new Float32Array(this.buffer, this.take(4 * length, 4), length));
  }

  u16(length: number): Uint16Array {
    return this.keep(new Uint16Array(this.buffer, this.take(2 * length, 2), length));
  }

  /** The arrays in the order they were carved: the order they are written and read. */
  arrays(): readonly StateArray[] {
    return this.carved;
  }

  private keep<T extends StateArray>(array: T): T {
    this.carved.push(array);
    return array;
  }

  /** Each view starts at a multiple of its element size, as typed arrays require. */
  private take(bytes: number, align: number): number {
    const start = Math.ceil(this.offset / align) * align;
    this.offset = start;
    this.offset += bytes;
    if (this.offset > this.buffer.byteLength) throw new Error(`key layout needs more than the ${this.buffer.byteLength} bytes reserved`);
    return start;
  }

  /** The reserved size and the arrays carved from it must agree exactly. */
  assertFull(): void {
    if (this.offset !== this.buffer.byteLength) throw new Error(`key layout uses ${this.offset} of the ${this.buffer.byteLength} bytes reserved`);
  }

  write(w: ByteSink): void {
    for (const a of this.carved) {
      if (a instanceof Float64Array) for (const v of a) w.f64(v);
      else if (a instanceof Float32Array) for (const v of a) w.f32(v);
      else for (const v of a) w.u16(v);
    }
  }

  /** Reads the first `count` arrays (all of them by default: a layout that grew reads an older state's part). */
  read(r: BinaryReader, count = this.carved.length): void {
    for (const a of this.carved.slice(0, count)) {
      if (a instanceof Float64Array) for (let i = 0; i < a.length; i++) a[i] = r.f64();
      else if (a instanceof Float32Array) for (let i = 0; i < a.length; i++) a[i] = r.f32();
      else for (let i = 0; i < a.length; i++) a[i] = r.u16();
    }
  }

  /** Copies another slab of the same layout. */
  copyFrom(other: Slab): void {
    new Uint8Array(this.buffer).set(new Uint8Array(other.buffer));
  }
}
