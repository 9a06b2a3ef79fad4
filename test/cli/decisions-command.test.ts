/**
 * `switchyard decisions tail | show | export` against a running server: export writes routing
 * data that the training data reader accepts, with quality from feedback.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../services/cli/main.js';
import type { CommandIO } from '../../services/cli/command-io.js';
import { parseRoutingJsonl } from '../../services/shared/routing-data.js';
import type { TestServer } from '../support/grpc-server.js';
import { ok, recordConfig, startRecordServer, stored, userPrompt } from '../record/support.js';

let t: TestServer;
let dir: string;
const ids: string[] = [];

function capture(): CommandIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: new Writable({ write: (c, _e, cb) => { out += c; cb(); } }),
    err: new Writable({ write: (c, _e, cb) => { err += c; cb(); } }),
    env: {},
    readStdin: () => '',
    stdout: () => out,
    stderr: () => err,
  };
}

beforeAll(async () => {
  const c = recordConfig({ promptLogging: true });
  dir = c.dir;
  t = await startRecordServer(c.config, c.dir);
  for (const [i, text] of ['What is 2+2?', 'Name a prime above 10', 'Say hi'].entries()) {
    const r = await ok<any>(t.client, 'execute', userPrompt(text, { tenant: 'cli', task: i < 2 ? 'math' : 'chat' }));
    ids.push(r.decisionId);
  }
  await ok(t.client, 'submitFeedback', { decisionId: ids[0], metric: 'rating', floatValue: 5 });
  await ok(t.client, 'submitFeedback', { decisionId: ids[1], metric: 'rating', floatValue: 2 });
  for (const id of ids) await stored(t.client, id);
  for (let i = 0; i < 200; i++) {
    const v = await stored(t.client, ids[1]!);
    if (v.feedback.length > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
});
afterAll(async () => {
  await t?.close();
});

describe('cli - decisions', () => {
  it('tail prints the newest records, oldest of them first', async () => {
    const io = capture();
    expect(await main(['decisions', 'tail', '-n', '2', '--label', 'tenant=cli', '--addr', t.server.address], io)).toBe(0);
    const lines = io.stdout().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(ids[1]);
    expect(lines[1]).toContain(ids[2]);
    expect(lines[1]).toMatch(/answered by \S+ \$\d+\.\d{6}/);
  });

  it('show prints one record as JSON', async () => {
    const io = capture();
    expect(await main(['decisions', 'show', ids[0]!, '--json', '--addr', t.server.address], io)).toBe(0);
    const v = JSON.parse(io.stdout());
    expect(v.record.decisionId).toBe(ids[0]);
    expect(v.feedback[0]).toMatchObject({ metric: 'rating', value: 5 });
    const missing = capture();
    expect(await main(['decisions', 'show', '01890000-0000-7000-8000-0000000000ff', '--addr', t.server.address], missing)).toBe(1);
    expect(missing.stderr()).toMatch(/NOT_FOUND: no decision record/);
  });

  it('export writes routing data the trainer reads, quality from the feedback', async () => {
    const io = capture();
    const out = join(dir, 'mine.jsonl');
    expect(await main(['decisions', 'export', '--out', out, '--metric', 'rating', '--range', '1:5', '--label', 'tenant=cli', '--addr', t.server.address], io)).toBe(0);
    const prompts = parseRoutingJsonl(readFileSync(out, 'utf8'), 'mine.jsonl');
    expect(prompts.map((p) => p.prompt).sort()).toEqual(['Name a prime above 10', 'What is 2+2?']);
    const byPrompt = Object.fromEntries(prompts.map((p) => [p.prompt, p]));
    const q = (p: string) => Object.values(byPrompt[p]!.outcomes)[0]!.quality;
    expect(q('What is 2+2?')).toBe(1);
    expect(q('Name a prime above 10')).toBe(0.25);
    expect(byPrompt['What is 2+2?']!.segment).toBe('math');
    expect(io.stderr()).toMatch(/exported 2 records; skipped 0 without an answer and 1 without feedback/);
  });
});
