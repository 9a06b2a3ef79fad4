/**
 * SHA-256 and HMAC-SHA-256 from node:crypto in the shape @smithy/signature-v4 takes for its
 * `sha256` option (a Checksum constructor, with a secret for HMAC). The pure-JavaScript
 * @aws-crypto/sha256-js signs a 2 KB Converse body about 7 times slower (measured), and every
 * Bedrock request is signed on the hot path.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = NodeSha256.create(secret);
  }

  update(data: SourceData): void {
    this.hash.update(toBinary(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = NodeSha256.create(this.secret);
  }

  private static create(secret: SourceData | undefined): Hash | Hmac {
    return secret === undefined ? createHash('sha256') : createHmac('sha256', toBinary(secret));
  }
}

function toBinary(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
