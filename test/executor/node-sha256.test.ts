import { Sha256 } from '@aws-crypto/sha256-js';
import { describe, expect, it } from 'vitest';
import { NodeSha256 } from '../../services/executor/providers/node-sha256.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('node-sha256 - the signer hash', () => {
  it('sha256 - agrees with @aws-crypto/sha256-js on strings, bytes and views, and with the FIPS 180-2 vector', async () => {
    const inputs = ['abc', '', 'é'.repeat(1000), new Uint8Array([1, 2, 3, 250]), new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 4)];
    for (const input of inputs) {
      const ours = new NodeSha256();
      const reference = new Sha256();
      ours.update(input);
      reference.update(input);
      expect(hex(await ours.digest())).toBe(hex(await reference.digest()));
    }
    const abc = new NodeSha256();
    abc.update('abc');
    expect(hex(await abc.digest())).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hmac - agrees with @aws-crypto/sha256-js for string and byte keys; reset starts over', async () => {
    for (const key of ['AWS4secret', new Uint8Array(32).fill(7)]) {
      const ours = new NodeSha256(key);
      const reference = new Sha256(key);
      ours.update('20261202');
      reference.update('20261202');
      expect(hex(await ours.digest())).toBe(hex(await reference.digest()));
      ours.reset();
      ours.update('20261202');
      const again = new Sha256(key);
      again.update('20261202');
      expect(hex(await ours.digest())).toBe(hex(await again.digest()));
    }
  });
});
