/**
 * A protobuf wire-format writer for the decision record and the Decide response: the fields
 * they have (varints, doubles, strings, nested messages), and no allocation per field.
 * protobufjs's Writer allocates an operation per field and a state per nested message, which
 * made encoding a record cost more than making the decision (see decision-log-bench).
 *
 * Messages are written one after another into a chunk of `CHUNK` bytes, and `finish` hands out
 * a view of the message's bytes where they were written: no copy and no buffer per message
 * (a Buffer of its own per record, from Node's 8 kB pool, cost a new pool every five records
 * and a copy of each). Bytes handed out are never written again; a chunk is garbage once every
 * view of it is. A message that does not fit the rest of the chunk is moved to a new one.
 *
 * A nested message is written in place after a one-byte length slot (`fork`); `ldelim` fills
 * the slot, first moving the body up when its length needs more than one byte. Slots count
 * from the message's start, so moving a message to a new chunk keeps them.
 */
const TWO_32 = 4294967296;
/** The ASCII codes of the hex digits. */
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const KNOWN_MAX = 4096;
/** Bytes per chunk: about forty records; under the C library's mmap threshold (128 kB), so chunks come from its heap and are reused. */
const CHUNK = 64 * 1024;

export class WireWriter {
  private buf = Buffer.allocUnsafeSlow(CHUNK);
  /** Where the message being written starts in `buf`. */
  private start = 0;
  private pos = 0;
  private readonly knownBytes = new Map<string, Uint8Array>();

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // The message so far moves to the start of a new chunk (one that holds at least twice it).
    const used = this.pos - this.start;
    const next = Buffer.allocUnsafeSlow(Math.max(CHUNK, 2 * (used + n)));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = used;
  }

  /**
   * Starts a new message at the start of the buffer, over every message written before: for an
   * owner that has let go of every view `finish` gave it (one that copies each message at once).
   */
  rewind(): this {
    this.start = 0;
    this.pos = 0;
    return this;
  }

  /** Starts a new message, dropping what was written since the last `finish`. */
  reset(): this {
    this.pos = this.start;
    return this;
  }

  /** A field's key: its number and wire type (0 varint, 1 64-bit, 2 length-delimited). */
  tag(field: number, wire: 0 | 1 | 2): this {
    return this.uint32((field << 3) | wire);
  }

  uint32(v: number): this {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    let x = v >>> 0;
    while (x > 127) {
      b[p++] = (x & 127) | 128;
      x >>>= 7;
    }
    b[p++] = x;
    this.pos = p;
    return this;
  }

  /** An int32 (an enum's number): negative values take ten bytes, as the format says. */
  int32(v: number): this {
    return v >= 0 ? this.uint32(v) : this.int64(v);
  }

  /** uint64 or int64 from a JavaScript number (exact up to 2^53). */
  int64(v: number): this {
    if (v >= 0 && v < TWO_32) return this.uint32(v);
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    if (v > 0 && v <= Number.MAX_SAFE_INTEGER) {
      let x = v;
      while (x > 127) {
        b[p++] = (x % 128) | 128;
        x = Math.floor(x / 128);
      }
      b[p++] = x;
    } else {
      let x = BigInt.asUintN(64, BigInt(Math.trunc(v)));
      while (x > 127n) {
        b[p++] = Number(x & 127n) | 128;
        x >>= 7n;
      }
      b[p++] = Number(x);
    }
    this.pos = p;
    return this;
  }

  double(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
    return this;
  }

  bool(v: boolean): this {
    return this.uint32(v ? 1 : 0);
  }

  string(s: string): this {
    const n = s.length;
    if (n < 43) {
      // At most 126 bytes of UTF-8: the length fits one byte. ASCII is copied by hand.
      this.ensure(1 + 3 * n);
      const b = this.buf;
      const start = this.pos;
      let p = start + 1;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 127) {
          p = start + 1 + b.write(s, start + 1, 'utf8');
          break;
        }
        b[p++] = c;
      }
      b[start] = p - start - 1;
      this.pos = p;
      return this;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.uint32(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(s, this.pos, bytes, 'utf8');
    return this;
  }

  /** `bytes` as lowercase hex, a string field's value (its length, then the digits). */
  hex(bytes: Uint8Array): this {
    const n = bytes.length;
    this.uint32(2 * n);
    this.ensure(2 * n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const x = bytes[i]!;
      b[p++] = HEX[x >>> 4]!;
      b[p++] = HEX[x & 15]!;
    }
    this.pos = p;
    return this;
  }

  /**
   * A string from a small set that repeats from record to record (catalog ids, providers,
   * policies, labels): its encoding (length and bytes) is kept and copied. The set is bounded;
   * past `KNOWN_MAX` entries it starts afresh.
   */
  known(s: string): this {
    let bytes = this.knownBytes.get(s);
    if (!bytes) {
      if (this.knownBytes.size >= KNOWN_MAX) this.knownBytes.clear();
      const at = this.pos - this.start; // the string may move the message to a new chunk
      this.string(s);
      bytes = Uint8Array.prototype.slice.call(this.buf, this.start + at, this.pos);
      this.knownBytes.set(s, bytes);
      return this;
    }
    const n = bytes.length;
    this.ensure(n);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < n; i++) b[p + i] = bytes[i]!;
    this.pos = p + n;
    return this;
  }

  /** Bytes `start` to `end` of `src`, as they are (an encoding made elsewhere). */
  bytes(src: Uint8Array, start: number, end: number): this {
    const n = end - start;
    this.ensure(n);
    const b = this.buf;
    const p = this.pos;
    if (n > 64) b.set(src.subarray(start, end), p);
    else for (let i = 0; i < n; i++) b[p + i] = src[start + i]!;
    this.pos = p + n;
    return this;
  }

  /** Overwrites the byte `at` bytes from the message's start (a key copied with `bytes`). */
  patch(at: number, byte: number): this {
    this.buf[this.start + at] = byte;
    return this;
  }

  /** Bytes written of the message so far (since the last `finish` or `reset`). */
  get length(): number {
    return this.pos - this.start;
  }

  /** Starts a nested message; pass what it returns to `ldelim` when the message ends. */
  fork(): number {
    this.ensure(1);
    return this.pos++ - this.start;
  }

  ldelim(at: number): this {
    const slot = this.start + at;
    const len = this.pos - slot - 1;
    if (len < 128) {
      this.buf[slot] = len;
      return this;
    }
    let extra = 0;
    for (let x = len >>> 7; x > 0; x >>>= 7) extra++;
    this.ensure(extra);
    const moved = this.start + at; // ensure may have moved the message
    this.buf.copyWithin(moved + 1 + extra, moved + 1, this.pos);
    const end = this.pos + extra;
    this.pos = moved;
    this.uint32(len);
    this.pos = end;
    return this;
  }

  /**
   * The message written since the last `finish` (or `reset`): a view of its bytes, which are
   * never written again. The next message starts after it.
   */
  finish(): Buffer {
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    return out;
  }
}
