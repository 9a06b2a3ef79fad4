/**
 * A segment's index on disk: the sidecar `seg-….idx` beside `seg-….log`, written when the
 * segment closes. The segment stays the truth: a sidecar is used only when its CRC holds and it
 * was made from a segment of the very size the segment has now; else it is rebuilt from the
 * segment. It is written to a temporary name and renamed, so a reader never sees half of one.
 *
 * Layout (little-endian): "SYX1", u32 CRC-32 of the rest, then f64 segment size, f64 bytes
 * indexed, u32 rows, u32 dictionary strings, u32 feedback entries, u32 outcome entries; the
 * strings (u32 byte length + UTF-8 each): dictionary, row ids, feedback targets, outcome ids;
 * then per row f64 time, f64 frame offset, u32 frame length, u32 × 9 attribute codes; per
 * feedback entry f64 offset, u32 length; per outcome f64 offset, u32 length, u32 model code.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { ATTRS, SegmentIndex } from './segment-index.js';

const MAGIC = 0x31585953; // "SYX1"
const FIXED = 8 + 16 + 16;
const N_ATTRS = ATTRS.length;

/** The sidecar's file name for a segment's. */
export function sidecarName(segment: string): string {
  return segment.replace(/\.log$/, '.idx');
}

export function encodeSidecar(ix: SegmentIndex): Buffer {
  const models = ix.outcomes.map((o) => ix.code(o.model)); // before the dictionary is written
  const strings = [...ix.dict, ...ix.ids, ...ix.feedback.map((f) => f.about), ...ix.outcomes.map((o) => o.about)];
  let size = FIXED + ix.rows * (20 + 4 * N_ATTRS) + ix.feedback.length * 12 + ix.outcomes.length * 16;
  for (const s of strings) size += 4 + Buffer.byteLength(s);
  const b = Buffer.alloc(size);
  b.writeUInt32LE(MAGIC, 0);
  b.writeDoubleLE(ix.fileSize, 8);
  b.writeDoubleLE(ix.indexedTo, 16);
  b.writeUInt32LE(ix.rows, 24);
  b.writeUInt32LE(ix.dict.length, 28);
  b.writeUInt32LE(ix.feedback.length, 32);
  b.writeUInt32LE(ix.outcomes.length, 36);
  let at = FIXED;
  for (const s of strings) {
    const n = b.write(s, at + 4);
    b.writeUInt32LE(n, at);
    at += 4 + n;
  }
  for (let i = 0; i < ix.rows; i++) {
    at = b.writeDoubleLE(ix.time[i]!, at);
    at = b.writeDoubleLE(ix.off[i]!, at);
    at = b.writeUInt32LE(ix.len[i]!, at);
    for (let a = 0; a < N_ATTRS; a++) at = b.writeUInt32LE(ix.attr(i, a), at);
  }
  for (const f of ix.feedback) {
    at = b.writeDoubleLE(f.off, at);
    at = b.writeUInt32LE(f.len, at);
  }
  ix.outcomes.forEach((o, i) => {
    at = b.writeDoubleLE(o.off, at);
    at = b.writeUInt32LE(o.len, at);
    at = b.writeUInt32LE(models[i]!, at);
  });
  b.writeUInt32LE(crc32(b.subarray(8)), 4);
  return b;
}

/** The index a sidecar holds, or undefined when it is not one (wrong magic, CRC, or shape). */
export function decodeSidecar(name: string, b: Buffer): SegmentIndex | undefined {
  if (b.length < FIXED || b.readUInt32LE(0) !== MAGIC || b.readUInt32LE(4) !== crc32(b.subarray(8))) return undefined;
  try {
    const ix = new SegmentIndex(name);
    ix.fileSize = b.readDoubleLE(8);
    ix.indexedTo = b.readDoubleLE(16);
    const rows = b.readUInt32LE(24);
    const nDict = b.readUInt32LE(28);
    const nFeedback = b.readUInt32LE(32);
    const nOutcomes = b.readUInt32LE(36);
    let at = FIXED;
    const str = (): string => {
      const n = b.readUInt32LE(at);
      const s = b.toString('utf8', at + 4, at + 4 + n);
      at += 4 + n;
      return s;
    };
    const dict = Array.from({ length: nDict }, str);
    ix.loadDict(dict);
    if (ix.dict.length !== nDict) return undefined; // a repeated string: not one this code wrote
    ix.ids = Array.from({ length: rows }, str);
    const targets = Array.from({ length: nFeedback }, str);
    const outcomeIds = Array.from({ length: nOutcomes }, str);
    ix.reserve(rows);
    ix.rows = 0;
    for (let i = 0; i < rows; i++) {
      ix.time[i] = b.readDoubleLE(at);
      ix.off[i] = b.readDoubleLE(at + 8);
      ix.len[i] = b.readUInt32LE(at + 16);
      at += 20;
      for (let a = 0; a < N_ATTRS; a++, at += 4) {
        const c = b.readUInt32LE(at);
        if (c >= nDict) return undefined;
        ix.attrs[i * N_ATTRS + a] = c;
      }
      ix.rows = i + 1;
      ix.noteRow(i);
    }
    for (const about of targets) {
      ix.feedback.push({ about, off: b.readDoubleLE(at), len: b.readUInt32LE(at + 8), model: '' });
      at += 12;
    }
    for (const about of outcomeIds) {
      const c = b.readUInt32LE(at + 12);
      if (c >= nDict) return undefined;
      ix.outcomes.push({ about, off: b.readDoubleLE(at), len: b.readUInt32LE(at + 8), model: dict[c]! });
      at += 16;
    }
    return at === b.length ? ix : undefined;
  } catch {
    return undefined; // a length past the end
  }
}

/** The sidecar at `path` if it is whole and was made from a segment of `size` bytes. */
export async function readSidecar(path: string, name: string, size: number): Promise<SegmentIndex | undefined> {
  const b = await readFile(path).catch(() => undefined);
  const ix = b && decodeSidecar(name, b);
  return ix && ix.fileSize === size ? ix : undefined;
}

export async function writeSidecar(path: string, ix: SegmentIndex): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, encodeSidecar(ix));
  await rename(tmp, path);
}
