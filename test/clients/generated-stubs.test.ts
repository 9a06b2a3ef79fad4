/**
 * The committed stubs in clients/ are what scripts/gen-clients.sh makes from the protos today:
 * each language is regenerated into a temporary folder and compared file by file. A language
 * whose generators are not installed is skipped, and said so.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'switchyard-stubs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const LANGUAGES = [
  { lang: 'python', dir: 'python/switchyard', tools: { protoc: 'protobuf-compiler', grpc_python_plugin: 'protobuf-compiler-grpc' } },
  { lang: 'go', dir: 'go/switchyardv1', tools: { protoc: 'protobuf-compiler', 'protoc-gen-go': 'protoc-gen-go', 'protoc-gen-go-grpc': 'protoc-gen-go-grpc' } },
  // protoc-gen-es and buf come with `npm ci`.
  { lang: 'typescript', dir: 'typescript/gen', tools: {} },
] as const;

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, command)));
}

/** Files under `dir`, relative to it, without Python's byte-code caches. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes('__pycache__'))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('clients - generated stubs', () => {
  for (const { lang, dir, tools } of LANGUAGES) {
    it(`${lang} stubs in clients/${dir} match the protos`, async (ctx) => {
      const missing = Object.entries(tools).filter(([command]) => !onPath(command));
      if (missing.length > 0) {
        const why = `${missing.map(([c]) => c).join(', ')} not installed (apt-get install ${[...new Set(missing.map(([, p]) => p))].join(' ')})`;
        console.warn(`${lang} stubs: SKIPPED, ${why}`);
        ctx.skip(why);
      }
      await run(join(ROOT, 'scripts/gen-clients.sh'), ['--out', out, lang], { cwd: ROOT, timeout: 60_000 });

      const committed = join(ROOT, 'clients', dir);
      const fresh = join(out, dir);
      const hint = `clients/${dir} is out of date with proto/: run scripts/gen-clients.sh ${lang}`;
      expect(files(committed), hint).toEqual(files(fresh));
      const stale = files(fresh).filter((f) => readFileSync(join(committed, f), 'utf8') !== readFileSync(join(fresh, f), 'utf8'));
      expect(stale, hint).toEqual([]);
    });
  }
});
