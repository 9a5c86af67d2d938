import { BinaryReader, BinaryWriter, ByteCounter, type ByteSink } from '../../../src/detector/codec';

const writeSample = (w: ByteSink) => {
  w.u8(7);
  w.u32(123_456);
  w.f32(1.5);
  w.f64(Math.PI);
  w.string('conteneur-é');
};

describe('state codec', () => {
  it('measures exactly what the writer writes, so one buffer of that size holds it without a final copy', () => {
    const counter = new ByteCounter();
    writeSample(counter);
    // 1 + 4 + 4 + 8, and the string's length prefix (4) plus its UTF-8 bytes (12: "é" takes two).
    expect(counter.length).toBe(33);
    const w = new BinaryWriter(counter.length);
    writeSample(w);
    const bytes = w.bytes();
    expect(bytes.byteLength).toBe(33);
    expect(bytes.buffer.byteLength).toBe(33);
    const r = new BinaryReader(bytes);
    expect([r.u8(), r.u32(), r.f32(), r.f64(), r.string()]).toEqual([7, 123_456, 1.5, Math.PI, 'conteneur-é']);
    expect(r.done).toBe(true);
  });

  it('still writes more than it reserved, in chunks joined at the end', () => {
    const w = new BinaryWriter(4);
    for (let i = 0; i < 300_000; i++) w.u32(i);
    const r = new BinaryReader(w.bytes());
    let ok = true;
    for (let i = 0; i < 300_000; i++) ok &&= r.u32() === i;
    expect(ok).toBe(true);
    expect(r.done).toBe(true);
  });
});
