/** Validates an image part: a URL (https: or a base64 data: URL) or raw bytes with a type. */
import type { Image__Output } from '../../generated/switchyard/v1/Image.js';
import { InvalidArgumentError, shown } from '../errors.js';
import type { ContentPart } from '../contracts/provider.js';

export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_URL = 8192;

function magicMatches(head: Buffer, mediaType: string): boolean {
  switch (mediaType) {
    case 'image/png':
      return head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/jpeg':
      return head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
    case 'image/gif':
      return head.subarray(0, 6).toString('latin1') === 'GIF87a' || head.subarray(0, 6).toString('latin1') === 'GIF89a';
    case 'image/webp':
      return head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP';
    default:
      return false;
  }
}

function checkBytes(head: Buffer, mediaType: string, field: string): void {
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new InvalidArgumentError(field, `media type ${shown(mediaType)} is not one of ${IMAGE_MEDIA_TYPES.join(', ')}`);
  }
  if (!magicMatches(head, mediaType)) throw new InvalidArgumentError(field, `the bytes are not a ${mediaType} image`);
}

export function checkImage(image: Image__Output, field: string): { part: ContentPart; bytes: number } {
  if (image.source === 'url') {
    const url = image.url!;
    if (url.startsWith('data:')) {
      const m = /^data:([a-z]+\/[a-z0-9.+-]+);base64,(.*)$/s.exec(url);
      if (!m) throw new InvalidArgumentError(`${field}.url`, 'a data URL must be data:<media type>;base64,<data>');
      const [, mediaType, data] = m as unknown as [string, string, string];
      if (data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data)) throw new InvalidArgumentError(`${field}.url`, 'the data URL is not valid base64');
      checkBytes(Buffer.from(data.slice(0, 24), 'base64'), mediaType, `${field}.url`);
      return { part: { type: 'image', data, mediaType }, bytes: data.length };
    }
    if (url.length > MAX_URL) throw new InvalidArgumentError(`${field}.url`, `is longer than ${MAX_URL} characters`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InvalidArgumentError(`${field}.url`, 'is not a valid URL');
    }
    if (parsed.protocol !== 'https:') throw new InvalidArgumentError(`${field}.url`, 'must be an https: or data: URL');
    return { part: { type: 'image', url, ...(image.mediaType ? { mediaType: image.mediaType } : {}) }, bytes: url.length };
  }
  if (image.source === 'data') {
    const data = image.data!;
    if (data.length === 0) throw new InvalidArgumentError(`${field}.data`, 'must not be empty');
    if (!image.mediaType) throw new InvalidArgumentError(`${field}.media_type`, 'is required with data');
    checkBytes(data.subarray(0, 16), image.mediaType, `${field}.data`);
    return { part: { type: 'image', data: data.toString('base64'), mediaType: image.mediaType }, bytes: data.length };
  }
  throw new InvalidArgumentError(field, 'has neither url nor data');
}
