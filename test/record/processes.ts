/** `switchyard serve` as separate processes (router, executor), for the decision-log tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { PACKAGE_ROOT } from '../../services/shared/config/load-config.js';

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export interface ServeProcess {
  address: string;
  child: ChildProcess;
  logs(): string;
  /** kill -9, and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
}

export function writeConfig(dir: string, name: string, config: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

export function startServe(role: 'router' | 'executor', configFile: string, env: NodeJS.ProcessEnv, cwd: string): Promise<ServeProcess> {
  const bin = resolve(PACKAGE_ROOT, 'bin/switchyard.js');
  const child = spawn(process.execPath, [bin, 'serve', '--role', role, '--listen', '127.0.0.1:0', '--config', configFile], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => (children.delete(child), r())));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve --role ${role} did not start:\n${out}`)), 20_000);
    const onData = () => {
      const m = /"address":"([\d.]+:\d+)"[^\n]*"msg":"switchyard serving"/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      resolvePromise({
        address: m[1]!,
        child,
        logs: () => out,
        kill9: async () => {
          child.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve --role ${role} exited with ${code}:\n${out}`)));
  });
}
