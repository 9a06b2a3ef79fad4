/**
 * A grpc-js CertificateProvider over PEM files: read at once when made (so the first
 * connection already has them), then read again whenever a file changes, checked every
 * `intervalMs`. A change that cannot be read (a file half written) keeps the last good
 * certificates until the next change.
 */
import type { experimental } from '@grpc/grpc-js';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';

type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

export interface CertificateFiles {
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  intervalMs: number;
}

export class FileCertificates implements experimental.CertificateProvider {
  private ca: experimental.CaCertificateUpdate | null = null;
  private identity: experimental.IdentityCertificateUpdate | null = null;
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  private watching = false;

  constructor(
    private readonly files: CertificateFiles,
    private readonly onError: (e: Error) => void = () => undefined,
  ) {
    this.read();
  }

  private files_(): string[] {
    const f = this.files;
    return [f.certFile, f.keyFile, f.caFile].filter((x): x is string => x !== undefined);
  }

  /** Reads every file; keeps the last good values when one cannot be read. */
  private read(): void {
    const f = this.files;
    try {
      if (f.certFile && f.keyFile) this.identity = { certificate: readFileSync(f.certFile), privateKey: readFileSync(f.keyFile) };
      if (f.caFile) this.ca = { caCertificate: readFileSync(f.caFile) };
    } catch (e) {
      this.onError(e as Error);
    }
  }

  private readonly changed = () => {
    this.read();
    for (const l of this.identityListeners) l(this.identity);
    for (const l of this.caListeners) l(this.ca);
  };

  private watch(): void {
    const listening = this.caListeners.size + this.identityListeners.size > 0;
    if (listening && !this.watching) {
      for (const file of this.files_()) watchFile(file, { interval: this.files.intervalMs, persistent: false }, this.changed);
    } else if (!listening && this.watching) {
      for (const file of this.files_()) unwatchFile(file, this.changed);
    }
    this.watching = listening;
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    this.watch();
    process.nextTick(listener, this.ca);
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
    this.watch();
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    this.watch();
    process.nextTick(listener, this.identity);
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
    this.watch();
  }
}
