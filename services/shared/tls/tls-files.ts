/**
 * Certificates and keys from files, for every listener and client that speaks TLS: the gRPC
 * server (and mTLS: clients must show a certificate the configured CA signed), the router's
 * calls to executors, and the HTTP front door. Files are read again every
 * `reload_interval_ms` for a change, so a renewed certificate is used for new connections
 * without a restart. A file that cannot be read at start is an error naming its config key.
 */
import * as grpc from '@grpc/grpc-js';
import { readFileSync, watchFile, unwatchFile } from 'node:fs';
import type { SecureContextOptions, Server as TlsServer } from 'node:tls';
import type { ClientTlsConfig, ServerTlsConfig } from '../config/schema.js';
import { FileCertificates } from './file-certificates.js';

function checkReadable(files: [string, string | undefined][]): void {
  for (const [key, file] of files) {
    if (file === undefined) continue;
    try {
      readFileSync(file);
    } catch (e) {
      throw new Error(`${key}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}

/** gRPC server credentials: TLS, or mTLS when `client_ca_file` is set; insecure without a config. */
export function serverCredentials(tls: ServerTlsConfig | undefined, at = 'server.tls'): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  checkReadable([
    [`${at}.cert_file`, tls.cert_file],
    [`${at}.key_file`, tls.key_file],
    [`${at}.client_ca_file`, tls.client_ca_file],
  ]);
  const files = new FileCertificates({ certFile: tls.cert_file, keyFile: tls.key_file, ...(tls.client_ca_file ? { caFile: tls.client_ca_file } : {}), intervalMs: tls.reload_interval_ms });
  // One provider serves both the identity and the CA, so the argument order cannot matter.
  return tls.client_ca_file
    ? grpc.experimental.createCertificateProviderServerCredentials(files, files, true)
    : grpc.experimental.createCertificateProviderServerCredentials(files, null, false);
}

export interface ChannelSecurity {
  credentials: grpc.ChannelCredentials;
  options: grpc.ChannelOptions;
}

/** gRPC client credentials: verify the server against `ca_file`, and show a client certificate when one is set. */
export function channelSecurity(tls: ClientTlsConfig | undefined, at = 'executor.tls'): ChannelSecurity {
  if (!tls) return { credentials: grpc.credentials.createInsecure(), options: {} };
  checkReadable([
    [`${at}.ca_file`, tls.ca_file],
    [`${at}.cert_file`, tls.cert_file],
    [`${at}.key_file`, tls.key_file],
  ]);
  const ca = new FileCertificates({ caFile: tls.ca_file, intervalMs: tls.reload_interval_ms });
  const identity = tls.cert_file && tls.key_file ? new FileCertificates({ certFile: tls.cert_file, keyFile: tls.key_file, intervalMs: tls.reload_interval_ms }) : null;
  return {
    credentials: grpc.experimental.createCertificateProviderChannelCredentials(ca, identity),
    options: tls.server_name ? { 'grpc.ssl_target_name_override': tls.server_name, 'grpc.default_authority': tls.server_name } : {},
  };
}

/** Options for node:tls / node:https servers (the HTTP front door), read from the files now. */
export function secureContextOptions(tls: ServerTlsConfig, at = 'server.tls'): SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean } {
  checkReadable([
    [`${at}.cert_file`, tls.cert_file],
    [`${at}.key_file`, tls.key_file],
    [`${at}.client_ca_file`, tls.client_ca_file],
  ]);
  return {
    cert: readFileSync(tls.cert_file),
    key: readFileSync(tls.key_file),
    ...(tls.client_ca_file ? { ca: readFileSync(tls.client_ca_file) } : {}),
    requestCert: tls.client_ca_file !== undefined,
    rejectUnauthorized: tls.client_ca_file !== undefined,
  };
}

/**
 * Keeps a node:tls server's certificate current: when a file changes, the server's secure
 * context is rebuilt from the files. Returns a function that stops watching.
 */
export function reloadOnChange(server: Pick<TlsServer, 'setSecureContext'>, tls: ServerTlsConfig, onError: (e: Error) => void = () => undefined): () => void {
  const files = [tls.cert_file, tls.key_file, ...(tls.client_ca_file ? [tls.client_ca_file] : [])];
  const reload = () => {
    try {
      server.setSecureContext(secureContextOptions(tls));
    } catch (e) {
      onError(e as Error);
    }
  };
  for (const f of files) watchFile(f, { interval: tls.reload_interval_ms, persistent: false }, reload);
  return () => {
    for (const f of files) unwatchFile(f, reload);
  };
}
