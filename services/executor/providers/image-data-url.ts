/**
 * Images given by URL, translated for providers that want raw base64 data or a media type:
 * `data:` URLs split into media type and base64 payload, and a media type guessed from the
 * file extension of an http(s) URL. Pure; never throws.
 */

export interface InlineImage {
  mediaType: string;
  /** Base64, as in the URL. */
  data: string;
}

/** `data:image/png;base64,iVBOR...` → { mediaType, data }; undefined unless base64 with a media type. */
export function parseBase64DataUrl(url: string): InlineImage | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]*)*);base64,(.*)$/is.exec(url.trim());
  if (match === null) return undefined;
  const mediaType = (match[1] as string).trim().toLowerCase();
  const data = (match[3] as string).trim();
  if (mediaType === '' || data === '') return undefined;
  return { mediaType, data };
}

const MEDIA_TYPE_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
};

/** The image media type an http(s) URL's path extension implies, if any. */
export function imageMediaTypeFromUrl(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const dot = path.lastIndexOf('.');
  if (dot === -1 || dot < path.lastIndexOf('/')) return undefined;
  return MEDIA_TYPE_BY_EXTENSION[path.slice(dot + 1).toLowerCase()];
}

export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url.trim());
}
