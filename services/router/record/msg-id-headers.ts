/**
 * JetStream's de-duplication header, `Nats-Msg-Id`, for a batch of publishes at about the cost
 * of one. `headers()` per message builds a header map, validates the value, renders it as text
 * and encodes that text (about a sixth of the client's CPU per publish). Here the batch's
 * headers are rendered and encoded once, into one buffer, and a single header object hands the
 * client each message's slice in turn (`next()` before each publish; the client reads the
 * header through `encode()` while it publishes).
 */
import { createHash } from 'node:crypto';
import { MsgHdrsImpl } from '@nats-io/transport-node';

export const MSG_ID = 'Nats-Msg-Id';

/** A printable ASCII token of sensible length: usable as a header value as it is. */
const TOKEN = /^[\x21-\x7e]{1,256}$/;

/**
 * The message id for a store key: the key itself when it is a printable ASCII token (a decision
 * id always is), else `sha256.<hex>` of it. A client's idempotency key may hold any text, and a
 * header value cannot hold a line break; a key that could not be sent would fail its batch on
 * every retry. Keys are `fb.`, `outcome.` or a decision id, so a hashed id never equals a key.
 */
export function msgId(key: string): string {
  return TOKEN.test(key) ? key : `sha256.${createHash('sha256').update(key).digest('hex')}`;
}

const encoder = new TextEncoder();

export class MsgIdHeaders extends MsgHdrsImpl {
  private readonly wire: Uint8Array;
  /** Where each message's header ends in `wire` (ids are ASCII: one byte per character). */
  private readonly ends: number[] = [];
  private at = -1;

  /** `ids` are message ids as `msgId` makes them. */
  constructor(private readonly ids: readonly string[]) {
    super();
    let text = '';
    for (const id of ids) {
      text += `NATS/1.0\r\n${MSG_ID}: ${id}\r\n\r\n`;
      this.ends.push(text.length);
    }
    this.wire = encoder.encode(text);
  }

  /** Moves to the next message's id. */
  next(): void {
    this.at++;
    const id = this.ids[this.at];
    if (id === undefined) throw new RangeError(`only ${this.ids.length} message ids`);
    this.headers.set(MSG_ID, [id]);
  }

  override encode(): Uint8Array {
    return this.wire.subarray(this.at === 0 ? 0 : this.ends[this.at - 1], this.ends[this.at]);
  }
}
