/**
 * `buf breaking` holds proto/ to the last release's API: the descriptor image committed in
 * proto-releases/ (built from the release's tag by scripts/proto-release-image.sh), so the check
 * needs no tags in the clone. Additive changes pass; a changed or removed field fails.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const BUF = join(ROOT, 'node_modules/.bin/buf');
const work = mkdtempSync(join(tmpdir(), 'switchyard-breaking-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The newest release image in proto-releases/, by version. */
function lastRelease(): { tag: string; image: string } {
  const tags = readdirSync(join(ROOT, 'proto-releases'))
    .filter((f) => /^v\d+\.\d+\.\d+\.binpb$/.test(f))
    .map((f) => f.slice(0, -'.binpb'.length))
    .sort((a, b) => {
      const [x, y] = [a, b].map((t) => t.slice(1).split('.').map(Number));
      return x![0]! - y![0]! || x![1]! - y![1]! || x![2]! - y![2]!;
    });
  expect(tags.length, 'a release image in proto-releases/').toBeGreaterThan(0);
  const tag = tags.at(-1)!;
  return { tag, image: join(ROOT, 'proto-releases', `${tag}.binpb`) };
}

/** Runs `buf breaking` on a module folder; resolves to buf's output and whether it passed. */
async function breaking(moduleDir: string, image: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(BUF, ['breaking', moduleDir, '--against', image, '--error-format', 'text'], { cwd: ROOT });
    return { ok: true, output: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (err.code !== 100) throw e; // 100: breaking changes found; anything else is a failure to run
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** A copy of the buf module (buf.yaml and proto/) with `edit` applied to one proto file. */
function editedModule(name: string, file: string, edit: (text: string) => string, extra: Record<string, string> = {}): string {
  const dir = join(work, name);
  cpSync(join(ROOT, 'proto'), join(dir, 'proto'), { recursive: true });
  cpSync(join(ROOT, 'buf.yaml'), join(dir, 'buf.yaml'));
  const path = join(dir, 'proto/switchyard/v1', file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after, `the edit of ${file} changed something`).not.toBe(before);
  writeFileSync(path, after);
  for (const [rel, text] of Object.entries(extra)) writeFileSync(join(dir, 'proto/switchyard/v1', rel), text);
  return dir;
}

describe('proto - breaking changes against the last release', () => {
  it('proto/ is compatible with the last release', async () => {
    const { tag, image } = lastRelease();
    const { ok, output } = await breaking(ROOT, image);
    expect(ok, `proto/ breaks the ${tag} API:\n${output}`).toBe(true);
  });

  it('a new field, a new RPC and a new file pass', async () => {
    const { image } = lastRelease();
    const dir = editedModule(
      'additive',
      'router_service.proto',
      (text) =>
        text
          .replace('rpc ListModels(ListModelsRequest) returns (ListModelsResponse);', '$&\n  rpc Ping(PingRequest) returns (PingResponse);')
          .replace('message DecideRequest {', 'message PingRequest {}\nmessage PingResponse {}\n\n$&')
          .replace('  Strategy strategy = 9;\n}', '  Strategy strategy = 9;\n  string note = 99;\n}'),
      { 'extra.proto': 'syntax = "proto3";\n\npackage switchyard.v1;\n\nmessage Extra {\n  string id = 1;\n}\n' },
    );
    const { ok, output } = await breaking(dir, image);
    expect(ok, output).toBe(true);
  });

  it('a renumbered field and a removed RPC fail, each named', async () => {
    const { image } = lastRelease();
    const dir = editedModule('breaking', 'router_service.proto', (text) =>
      text.replace('  string policy = 7;\n  Labels labels = 8;', '  string policy = 17;\n  Labels labels = 8;').replace(/\s*\/\/[^\n]*\n\s*rpc ListModels\([^\n]*\n/, '\n'),
    );
    const { ok, output } = await breaking(dir, image);
    expect(ok).toBe(false);
    expect(output).toMatch(/router_service\.proto:.*"ListModels"/);
    expect(output).toMatch(/router_service\.proto:.*"policy"/);
  });

  it('the committed image is the one the release tag builds, when the tag is here', async (ctx) => {
    const { tag, image } = lastRelease();
    const tagged = await run('git', ['rev-parse', '-q', '--verify', `refs/tags/${tag}`], { cwd: ROOT }).catch(() => undefined);
    if (!tagged) {
      console.warn(`release image: SKIPPED, tag ${tag} not fetched (git fetch --tags)`);
      ctx.skip();
    }
    const tree = join(work, 'release');
    await run('bash', ['-c', `mkdir -p "${tree}" && git archive "${tag}" proto buf.yaml | tar -x -C "${tree}"`], { cwd: ROOT });
    const rebuilt = join(work, 'rebuilt.binpb');
    await run(BUF, ['build', tree, '--exclude-source-info', '-o', rebuilt], { cwd: ROOT });
    expect(readFileSync(rebuilt).equals(readFileSync(image)), `proto-releases/${tag}.binpb differs from tag ${tag}: run scripts/proto-release-image.sh ${tag}`).toBe(true);
  });
});
