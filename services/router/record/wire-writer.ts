/**
 * A protobuf wire-format writer into one reused buffer, for the decision record: the fields
 * a record has (varints, doubles, strings, nested messages), and no allocation per field.
 * protobufjs's Writer allocates an operation per field and a state per nested message, which
 * made encoding a record cost more than making the decision (see decision-log-bench).
 *
 * A nested message is written in place after a one-byte length slot (`fork`); `ldelim` fills
 * the slot, first moving the body up when its length needs more than one byte. `finish`
 * copies the bytes out, so the buffer is reused by the next record.
 */
const TWO_32 = 4294967296;
const KNOWN_MAX = 4096;

export class WireWriter {
  private buf = Buffer.allocUnsafe(16 * 1024);
  private pos = 0;
  private readonly knownBytes = new Map<string, Uint8Array>();

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  reset(): this {
    this.pos = 0;
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

  /**
   * A string from a small set that repeats from record to record (catalog ids, providers,
   * policies, labels): its encoding (length and bytes) is kept and copied. The set is bounded;
   * past `KNOWN_MAX` entries it starts afresh.
   */
  known(s: string): this {
    let bytes = this.knownBytes.get(s);
    if (!bytes) {
      if (this.knownBytes.size >= KNOWN_MAX) this.knownBytes.clear();
      const start = this.pos;
      this.string(s);
      bytes = Uint8Array.prototype.slice.call(this.buf, start, this.pos);
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

  /** Starts a nested message; pass what it returns to `ldelim` when the message ends. */
  fork(): number {
    this.ensure(1);
    return this.pos++;
  }

  ldelim(slot: number): this {
    const len = this.pos - slot - 1;
    if (len < 128) {
      this.buf[slot] = len;
      return this;
    }
    let extra = 0;
    for (let x = len >>> 7; x > 0; x >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copyWithin(slot + 1 + extra, slot + 1, this.pos);
    const end = this.pos + extra;
    this.pos = slot;
    this.uint32(len);
    this.pos = end;
    return this;
  }

  /** The bytes written since `reset`, copied out. */
  finish(): Uint8Array {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }
}
