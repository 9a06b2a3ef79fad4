/**
 * How the CLI reaches a Switchyard server: its address, and TLS when the server speaks it. Every
 * command that calls the server (decide, execute, models, decisions) takes the same flags, each
 * with an environment variable behind it:
 *
 *   --addr ADDR              SWITCHYARD_ADDR             default 127.0.0.1:50051
 *   --tls                    SWITCHYARD_TLS=1            TLS, the server checked against the system's CAs
 *   --tls-ca FILE            SWITCHYARD_TLS_CA           TLS, the server checked against this CA
 *   --tls-cert FILE          SWITCHYARD_TLS_CERT         a client certificate, for a server that asks (mTLS)
 *   --tls-key FILE           SWITCHYARD_TLS_KEY          its private key
 *   --tls-server-name NAME   SWITCHYARD_TLS_SERVER_NAME  the name the server's certificate must carry, when not the address's host
 *
 * A flag wins over its variable. Any TLS setting turns TLS on; without one the connection is
 * plaintext, as to a server on loopback.
 */
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import type { RouterServiceClient } from '../generated/switchyard/v1/RouterService.js';
import { DEFAULT_ADDRESS, routerClient } from '../shared/grpc/router-client.js';
import type { ChannelSecurity } from '../shared/tls/tls-files.js';
import { grpcErrorMessage, type CommandIO } from './command-io.js';
import { serverAnswers } from './server-probe.js';

export const CONNECTION_OPTIONS = {
  addr: { type: 'string' },
  tls: { type: 'boolean' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-server-name': { type: 'string' },
} as const;

export const CONNECTION_USAGE = '  connection: --addr ADDR --tls --tls-ca FILE --tls-cert FILE --tls-key FILE --tls-server-name NAME (or SWITCHYARD_ADDR, SWITCHYARD_TLS=1, SWITCHYARD_TLS_CA, _CERT, _KEY, _SERVER_NAME)';

export interface ConnectionFlags {
  addr?: string | undefined;
  tls?: boolean | undefined;
  'tls-ca'?: string | undefined;
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'tls-server-name'?: string | undefined;
}

export interface Connection {
  addr: string;
  security: ChannelSecurity;
  /** A RouterService client that sends SWITCHYARD_API_KEY, when set, with every call. */
  client(): RouterServiceClient;
  /** A failed call as one line a person can act on (asks the server's health service when the status cannot tell). */
  explain(e: unknown): Promise<string>;
}

function read(file: string, flag: string, variable: string): Buffer | string {
  try {
    return readFileSync(file);
  } catch (e) {
    return `${flag} (or ${variable}): cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
}

/** The connection the flags and environment describe, or an error naming the flag and variable. */
export function connection(flags: ConnectionFlags, io: Pick<CommandIO, 'env'>): Connection | string {
  const env = io.env;
  const addr = flags.addr ?? env.SWITCHYARD_ADDR ?? DEFAULT_ADDRESS;
  const ca = flags['tls-ca'] ?? (env.SWITCHYARD_TLS_CA || undefined);
  const cert = flags['tls-cert'] ?? (env.SWITCHYARD_TLS_CERT || undefined);
  const key = flags['tls-key'] ?? (env.SWITCHYARD_TLS_KEY || undefined);
  const serverName = flags['tls-server-name'] ?? (env.SWITCHYARD_TLS_SERVER_NAME || undefined);
  const envTls = env.SWITCHYARD_TLS?.trim().toLowerCase();
  if (envTls && !['1', 'true', '0', 'false'].includes(envTls)) return `SWITCHYARD_TLS must be 1, true, 0 or false, not ${JSON.stringify(envTls.slice(0, 16))}`;
  const on = flags.tls === true || envTls === '1' || envTls === 'true' || ca !== undefined || cert !== undefined || key !== undefined || serverName !== undefined;
  let security: ChannelSecurity = { credentials: grpc.credentials.createInsecure(), options: {} };
  if (on) {
    if ((cert === undefined) !== (key === undefined)) return 'a client certificate needs both --tls-cert and --tls-key (or SWITCHYARD_TLS_CERT and SWITCHYARD_TLS_KEY)';
    const files = [ca && read(ca, '--tls-ca', 'SWITCHYARD_TLS_CA'), cert && read(cert, '--tls-cert', 'SWITCHYARD_TLS_CERT'), key && read(key, '--tls-key', 'SWITCHYARD_TLS_KEY')];
    const bad = files.find((f) => typeof f === 'string' && f !== '');
    if (typeof bad === 'string') return bad;
    const [caPem, certPem, keyPem] = files as (Buffer | undefined)[];
    try {
      security = {
        credentials: grpc.credentials.createSsl(caPem ?? null, keyPem ?? null, certPem ?? null),
        options: serverName ? { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName } : {},
      };
    } catch (e) {
      return `the TLS files cannot be used: ${(e as Error).message}`;
    }
  }
  return {
    addr,
    security,
    client: () => routerClient(addr, env, security),
    explain: async (e) => {
      const m = await grpcErrorMessage(e, addr, (a) => serverAnswers(a, 1_000, security));
      // A server that speaks TLS does not answer plaintext at all: say what to try.
      return !on && m.startsWith('no Switchyard server') ? `${m} (if the server speaks TLS, give its CA: --tls-ca FILE or SWITCHYARD_TLS_CA)` : m;
    },
  };
}
