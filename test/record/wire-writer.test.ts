/** The record's wire writer against protobufjs's reader: varints, 64-bit, strings, nested lengths. */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { WireWriter } from '../../services/router/record/wire-writer.js';

describe('wire writer', () => {
  it('writes what protobufjs reads back', () => {
    const strings = ['', 'a', 'é', '用三句', 'x'.repeat(42), 'y'.repeat(43), `${'z'.repeat(41)}é`, 'ü'.repeat(5000), '😀 emoji'];
    const ints = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 1_760_000_000_000, 2 ** 53 - 1];
    const negative = [-1, -1_760_000_000_000];
    const w = new WireWriter();
    for (const s of strings) w.tag(1, 2).string(s);
    for (const n of ints) w.tag(2, 0).int64(n);
    for (const n of negative) w.tag(6, 0).int64(n);
    w.tag(3, 0).int32(-5).tag(4, 1).double(-0.125).tag(5, 0).bool(true);
    const bytes = w.finish();
    const r = protobuf.Reader.create(bytes);
    for (const s of strings) {
      expect(r.uint32()).toBe((1 << 3) | 2);
      expect(r.string()).toBe(s);
    }
    for (const n of ints) {
      expect(r.uint32()).toBe(2 << 3);
      expect(Number(r.uint64())).toBe(n);
    }
    for (const n of negative) {
      expect(r.uint32()).toBe(6 << 3);
      expect(Number(r.int64())).toBe(n);
    }
    expect(r.uint32()).toBe(3 << 3);
    expect(r.int32()).toBe(-5);
    expect(r.uint32()).toBe((4 << 3) | 1);
    expect(r.double()).toBe(-0.125);
    expect(r.uint32()).toBe(5 << 3);
    expect(r.bool()).toBe(true);
    expect(r.pos).toBe(bytes.length);
  });

  it('fills nested lengths of one, two and three bytes, nested inside each other', () => {
    for (const size of [0, 127, 128, 16383, 16384, 70_000]) {
      const w = new WireWriter();
      const outer = w.tag(1, 2).fork();
      const inner = w.tag(2, 2).fork();
      w.tag(3, 2).string('q'.repeat(size));
      w.ldelim(inner);
      w.tag(4, 0).uint32(9);
      w.ldelim(outer);
      const r = protobuf.Reader.create(w.finish());
      expect(r.uint32()).toBe((1 << 3) | 2);
      const outerLen = r.uint32();
      const end = r.pos + outerLen;
      expect(r.uint32()).toBe((2 << 3) | 2);
      r.uint32();
      expect(r.uint32()).toBe((3 << 3) | 2);
      expect(r.string()).toBe('q'.repeat(size));
      expect(r.uint32()).toBe(4 << 3);
      expect(r.uint32()).toBe(9);
      expect(r.pos).toBe(end);
      expect(end).toBe(r.len);
    }
  });

  it('hands out views that later messages never overwrite, past many chunks and a message moved mid-write', () => {
    const w = new WireWriter();
    const made: { bytes: Uint8Array; n: number; size: number }[] = [];
    for (let n = 0; n < 600; n++) {
      // Sizes up to 3 kB: messages cross the 256 kB chunk's end every hundred or so.
      const size = (n * 997) % 3000;
      const outer = w.tag(1, 2).fork();
      w.tag(2, 0).uint32(n);
      w.tag(3, 2).string('m'.repeat(size));
      w.ldelim(outer);
      if (n % 7 === 0) w.reset().tag(2, 0).uint32(n); // dropped: the message restarts
      made.push({ bytes: w.finish(), n, size });
    }
    for (const { bytes, n, size } of made) {
      const r = protobuf.Reader.create(bytes);
      if (n % 7 === 0) {
        expect(r.uint32()).toBe(2 << 3);
        expect(r.uint32()).toBe(n);
        continue;
      }
      expect(r.uint32()).toBe((1 << 3) | 2);
      expect(r.uint32()).toBe(bytes.length - r.pos);
      expect(r.uint32()).toBe(2 << 3);
      expect(r.uint32()).toBe(n);
      expect(r.uint32()).toBe((3 << 3) | 2);
      expect(r.string()).toBe('m'.repeat(size));
    }
  });

  it('copies bytes made elsewhere as they are', () => {
    const w = new WireWriter();
    const src = Uint8Array.from([9, 8, 7, 6, 5, 4]);
    expect([...w.tag(1, 0).uint32(1).bytes(src, 1, 4).finish()]).toEqual([8, 1, 8, 7, 6]);
  });

  it('starts afresh after reset; each finish gives its own bytes', () => {
    const w = new WireWriter();
    const first = w.tag(1, 0).uint32(1).finish();
    const second = w.reset().tag(1, 0).uint32(2).finish();
    expect([...first]).toEqual([8, 1]);
    expect([...second]).toEqual([8, 2]);
  });
});
