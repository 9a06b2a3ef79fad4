import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../services/cli/main.js';
import type { CommandIO } from '../../services/cli/command-io.js';
import { startTestServer, type TestServer } from '../support/grpc-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

function capture(stdin = ''): CommandIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: new Writable({ write: (c, _e, cb) => { out += c; cb(); } }),
    err: new Writable({ write: (c, _e, cb) => { err += c; cb(); } }),
    env: {},
    readStdin: () => stdin,
    stdout: () => out,
    stderr: () => err,
  };
}

describe('cli - decide', () => {
  it('prints a readable table with every catalog model', async () => {
    const io = capture();
    expect(await main(['decide', '--addr', t.server.address, 'Prove that there are infinitely many primes'], io)).toBe(0);
    const out = io.stdout();
    expect(out).toMatch(/^model {6}\S+/m);
    expect(out).toMatch(/^fallbacks {2}/m);
    expect(out).toMatch(/^reason {5}/m);
    for (const id of t.server.catalog.ids) expect(out).toContain(id);
  });

  it('prints the DecideResponse as one JSON object with --json', async () => {
    const io = capture();
    expect(await main(['decide', '--addr', t.server.address, '--json', '--tradeoff', '0.2', '--label', 'user_tier=free', 'hello'], io)).toBe(0);
    const r = JSON.parse(io.stdout());
    expect(r.decisionId).toMatch(/-/);
    expect(r.candidates).toHaveLength(t.server.catalog.models.length);
    expect(typeof r.candidates[0].predictedQuality).toBe('number');
  });

  it('--top-k asks for the explanations of only the top k candidates', async () => {
    const io = capture();
    expect(await main(['decide', '--addr', t.server.address, '--json', '--top-k', '2', 'hello'], io)).toBe(0);
    const r = JSON.parse(io.stdout());
    expect(r.candidates.map((c: { model: string }) => c.model)).toEqual([r.model, r.fallbacks[0]]);
  });

  it('reads the prompt from stdin with "-"', async () => {
    const io = capture('What is 2 + 2?');
    expect(await main(['decide', '--addr', t.server.address, '--json', '-'], io)).toBe(0);
    expect(JSON.parse(io.stdout()).features.promptChars).toBe('What is 2 + 2?'.length);
  });

  it('reports the server error naming the field, with exit code 1', async () => {
    const io = capture();
    expect(await main(['decide', '--addr', t.server.address, '--allow', 'gpt-9', 'hi'], io)).toBe(1);
    expect(io.stderr()).toMatch(/INVALID_ARGUMENT: requirements\.allow_models\[0\]: unknown model "gpt-9"/);
  });

  it('says clearly when no server is listening', async () => {
    const io = capture();
    expect(await main(['decide', '--addr', '127.0.0.1:1', 'hi'], io)).toBe(1);
    expect(io.stderr()).toMatch(/no Switchyard server at 127\.0\.0\.1:1/);
  });

  it('rejects unknown options and bad numbers with usage', async () => {
    const a = capture();
    expect(await main(['decide', '--bogus', 'x'], a)).toBe(2);
    expect(a.stderr()).toMatch(/usage: switchyard decide/);
    const b = capture();
    expect(await main(['decide', '--tradeoff', 'lots', 'x'], b)).toBe(2);
    expect(b.stderr()).toContain('--tradeoff lots: not a number');
  });
});

describe('cli - execute', () => {
  it('prints the answer, the model, the cost and the attempts', async () => {
    const io = capture();
    expect(await main(['execute', '--addr', t.server.address, '--deny', 'llama-3.1-8b-instruct', 'Write a haiku about routers'], io)).toBe(0);
    const out = io.stdout();
    expect(out).toContain('simulated answer');
    expect(out).toMatch(/^model \S+ {2}finish stop {2}tokens \d+\/\d+ \(cached 0\) {2}cost \$/m);
    expect(out).toMatch(/simulator\s+primary\s+success/);
  });

  it('streams with --stream --json as one JSON object per event, decision first and done last', async () => {
    const io = capture();
    expect(await main(['execute', '--addr', t.server.address, '--stream', '--json', '--deny', 'llama-3.1-8b-instruct', 'hello'], io)).toBe(0);
    const events = io.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].event).toBe('decision');
    expect(events.at(-1).event).toBe('done');
    expect(events.filter((e) => e.event === 'textDelta').length).toBeGreaterThan(1);
  });
});

describe('cli - help', () => {
  it('lists the commands, and each command has --help', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout()).toMatch(/serve[\s\S]*decide[\s\S]*execute/);
    const d = capture();
    expect(await main(['decide', '--help'], d)).toBe(0);
    expect(d.stdout()).toMatch(/^usage: switchyard decide/);
  });
});
