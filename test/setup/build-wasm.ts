/**
 * Vitest global setup: builds the WASM core (release and debug targets of asconfig.json) when
 * build/ lacks it or it is older than its sources. Each target is compiled into a fresh temporary
 * directory and then renamed into build/, so a concurrent run never reads a half-written file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD = join(ROOT, 'build');
const ASC = join(ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
const TARGETS = [
  { target: 'release', file: 'switchyard-core.wasm' },
  { target: 'debug', file: 'switchyard-core.debug.wasm' },
] as const;

/** Modification time of the newest input: asconfig.json and everything under assembly/. */
function newestSource(): number {
  let newest = statSync(join(ROOT, 'asconfig.json')).mtimeMs;
  for (const entry of readdirSync(join(ROOT, 'assembly'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function build(target: string, file: string): void {
  mkdirSync(BUILD, { recursive: true });
  const tmp = mkdtempSync(join(BUILD, '.tmp-'));
  try {
    const outFile = join(tmp, file);
    const textFile = outFile.replace(/\.wasm$/, '.wat');
    execFileSync(process.execPath, [ASC, '--config', 'asconfig.json', '--target', target, '--outFile', outFile, '--textFile', textFile], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    for (const name of readdirSync(tmp)) renameSync(join(tmp, name), join(BUILD, name));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Builds whichever targets are missing or stale. */
export function buildWasm(): void {
  const sources = newestSource();
  for (const { target, file } of TARGETS) {
    const out = join(BUILD, file);
    if (!existsSync(out) || statSync(out).mtimeMs < sources) build(target, file);
  }
}

export default function setup(): void {
  buildWasm();
}
