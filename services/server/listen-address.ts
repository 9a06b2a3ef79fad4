/** host:port listen addresses: which are loopback-only, and the loopback form of one that is not. */

export function splitHostPort(address: string): { host: string; port: string } {
  const i = address.lastIndexOf(':');
  return i < 0 ? { host: address, port: '' } : { host: address.slice(0, i), port: address.slice(i + 1) };
}

/** True when only this machine can connect: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(address: string): boolean {
  const host = splitHostPort(address).host.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The same port on 127.0.0.1. */
export function onLoopback(address: string): string {
  return `127.0.0.1:${splitHostPort(address).port}`;
}
