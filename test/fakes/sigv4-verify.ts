/**
 * SigV4 verification as an AWS service does it, written from the specification with
 * node:crypto (not with the signer the adapter uses, so the two check each other, and the
 * official SDK checks both): rebuild the canonical request from what arrived (method, the path
 * URI-encoded once more, the sorted query, the signed headers, the payload's SHA-256), derive
 * the signing key from the secret, date, region and service, and compare signatures.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SigV4Expectations {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, the request must carry and sign it as x-amz-security-token. */
  sessionToken?: string;
  region: string;
  service: string;
  /** AWS refuses requests whose x-amz-date is more than 5 minutes off. */
  nowMs?: number;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;:-]+), ?Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 5 * 60_000;

export function verifySigV4(method: string, rawPath: string, headers: Record<string, string>, payload: string, expected: SigV4Expectations): string[] {
  const problems: string[] = [];
  const match = AUTH.exec(headers.authorization ?? '');
  if (match === null) return ['authorization is not an AWS4-HMAC-SHA256 signature'];
  const [, keyId, day, region, service, signedList, signature] = match as unknown as string[];
  if (keyId !== expected.accessKeyId) problems.push('unknown access key id');
  if (region !== expected.region) problems.push(`credential scope region ${region}, want ${expected.region}`);
  if (service !== expected.service) problems.push(`credential scope service ${service}, want ${expected.service}`);
  const amzDate = headers['x-amz-date'] ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) problems.push('x-amz-date missing or malformed');
  else {
    if (amzDate.slice(0, 8) !== day) problems.push('credential scope date differs from x-amz-date');
    const at = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
    if (Math.abs(at - (expected.nowMs ?? Date.now())) > MAX_SKEW_MS) problems.push('signature expired: x-amz-date is more than 5 minutes off');
  }
  const signed = (signedList as string).split(';');
  if (signed.join(';') !== [...signed].sort().join(';')) problems.push('SignedHeaders are not sorted');
  // Over HTTP/2 the host travels as :authority, and that is what gets signed.
  if (!signed.includes('host') && !signed.includes(':authority')) problems.push('host is not signed');
  if (!signed.includes('x-amz-date')) problems.push('x-amz-date is not signed');
  if (expected.sessionToken !== undefined) {
    if (headers['x-amz-security-token'] !== expected.sessionToken) problems.push('x-amz-security-token missing or wrong');
    else if (!signed.includes('x-amz-security-token')) problems.push('x-amz-security-token is not signed');
  }
  for (const name of signed) if (headers[name] === undefined) problems.push(`signed header ${name} is missing`);
  if (problems.length > 0) return problems;

  const payloadHash = sha256Hex(payload);
  const declared = headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== payloadHash && declared !== 'UNSIGNED-PAYLOAD') return ['x-amz-content-sha256 does not match the body'];
  const [path = '', query = ''] = rawPath.split('?', 2);
  const canonicalRequest = [
    method,
    canonicalPath(path),
    canonicalQuery(query),
    signed.map((name) => `${name}:${(headers[name] as string).trim().replace(/\s+/g, ' ')}\n`).join(''),
    signed.join(';'),
    declared ?? payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${expected.secretAccessKey}`, day as string);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part as string);
  const want = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const got = Buffer.from(signature as string);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return ['the request signature does not match (SignatureDoesNotMatch)'];
  return [];
}

/** Every segment of the path as sent, URI-encoded once more (all services but S3). */
function canonicalPath(path: string): string {
  return path === '' ? '/' : path.split('/').map(uriEncode).join('/');
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => pair.split('=', 2).map((part) => uriEncode(decodeURIComponent((part ?? '').replace(/\+/g, ' ')))))
    .map(([name = '', value = '']) => [name, value] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** RFC 3986 unreserved characters stay; everything else is %XX. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
