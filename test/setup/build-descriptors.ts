/**
 * Vitest global setup: writes build/switchyard.binpb, the descriptor set that server reflection
 * serves, when it is missing or older than a proto (as `make build` does), so tests run with
 * `npx vitest` alone see the protos of the working tree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'build/switchyard.binpb');
const PROTOS = join(ROOT, 'proto/switchyard/v1');

export default function setup(): void {
  const newest = Math.max(
    statSync(join(ROOT, 'buf.yaml')).mtimeMs,
    ...readdirSync(PROTOS).map((f) => statSync(join(PROTOS, f)).mtimeMs),
  );
  if (existsSync(OUT) && statSync(OUT).mtimeMs >= newest) return;
  mkdirSync(dirname(OUT), { recursive: true });
  execFileSync(join(ROOT, 'node_modules/.bin/buf'), ['build', '--as-file-descriptor-set', '-o', OUT], { cwd: ROOT, stdio: 'inherit' });
}
