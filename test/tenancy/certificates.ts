/** Certificates made in the test with openssl: a CA, and leaf certificates it signs. No private key is committed. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Ca {
  cert: string;
  key: string;
  dir: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

export function makeCa(name: string): Ca {
  const dir = mkdtempSync(join(tmpdir(), `switchyard-ca-${name}-`));
  const cert = join(dir, 'ca.pem');
  const key = join(dir, 'ca.key');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`]);
  return { cert, key, dir };
}

/** A leaf certificate for `name` (also valid for localhost and 127.0.0.1), signed by `ca`. */
export function makeLeaf(ca: Ca, name: string): { cert: string; key: string } {
  const base = join(ca.dir, name);
  const ext = `${base}.ext`;
  writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${name}`]);
  openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', `${base}.pem`, '-days', '2', '-extfile', ext]);
  return { cert: `${base}.pem`, key: `${base}.key` };
}
