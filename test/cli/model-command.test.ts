/**
 * `switchyard model`: arguments, a model file that cannot be promoted, and no NATS. (Promotion
 * over a real nats-server is in test/bus/model-promotion.test.ts.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CommandIO } from '../../services/cli/command-io.js';
import { main } from '../../services/cli/main.js';
import { PACKAGE_ROOT } from '../../services/shared/config/load-config.js';
import { defaultConfigObject } from '../support/router-fixture.js';

function capture(env: NodeJS.ProcessEnv = {}): CommandIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: new Writable({ write: (c, _e, cb) => { out += c; cb(); } }),
    err: new Writable({ write: (c, _e, cb) => { err += c; cb(); } }),
    env,
    readStdin: () => '',
    stdout: () => out,
    stderr: () => err,
  };
}

const shipped = resolve(PACKAGE_ROOT, 'models/router-model.syrm');
const dir = mkdtempSync(join(tmpdir(), 'sy-model-cli-'));

describe('cli - model', () => {
  it.each([
    [[], /an action is required/],
    [['publish'], /unknown action "publish"/],
    [['promote'], /promote takes one FILE/],
    [['status', 'extra'], /status takes no argument/],
    [['rollback', '--version', 'x'], /--version goes with promote/],
  ])('refuses %j with the reason and the usage', async (args, reason) => {
    const io = capture();
    expect(await main(['model', ...args], io)).toBe(2);
    expect(io.stderr()).toMatch(reason);
    expect(io.stderr()).toContain('usage: switchyard model promote FILE');
  });

  it('checks the file before anything is sent: one that is not a model, or does not fit the catalog, is refused naming why', async () => {
    const bad = join(dir, 'bad.syrm');
    writeFileSync(bad, 'this is not a router model file');
    let io = capture({ NATS_URL: 'nats://127.0.0.1:1' });
    expect(await main(['model', 'promote', bad], io)).toBe(1);
    expect(io.stderr()).toContain(`${bad}: router model: not a router model (bad magic)`);

    // A catalog whose model takes its quality from a profile the shipped model does not have.
    const config = defaultConfigObject() as { models: { quality: unknown }[] };
    config.models[0]!.quality = { profile: 'no-such-profile' };
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, stringify(config));
    io = capture({ NATS_URL: 'nats://127.0.0.1:1' });
    expect(await main(['model', 'promote', shipped, '--config', configFile], io)).toBe(1);
    expect(io.stderr()).toMatch(/does not fit the catalog: models\[0\]\.quality \([^)]+\): the router model has no profile "no-such-profile"/);
  });

  it('says plainly when no NATS server is configured, and when it cannot be reached', async () => {
    let io = capture();
    expect(await main(['model', 'status'], io)).toBe(1);
    expect(io.stderr()).toMatch(/no NATS server is configured \(--nats, NATS_URL or bus\.nats\.servers\)/);
    io = capture();
    expect(await main(['model', 'rollback', '--nats', 'nats://127.0.0.1:1'], io)).toBe(1);
    expect(io.stderr()).toMatch(/cannot connect to NATS at nats:\/\/127\.0\.0\.1:1/);
  });
});
