/** Waiting for a child process to say something: the start-up line of a server the benchmarks launch. */
import type { ChildProcess } from 'node:child_process';

/** Resolves with the first match of `re` in the child's stdout and stderr; rejects if it exits first or stays silent for `timeoutMs`. */
export function waitForOutput(child: ChildProcess, re: RegExp, what: string, timeoutMs = 30_000): Promise<RegExpExecArray> {
  let out = '';
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${what} did not start:\n${out.slice(-2000)}`)), timeoutMs);
    const on = (d: Buffer) => {
      out += d;
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stderr?.off('data', on);
        child.stdout?.off('data', on);
        res(m);
      }
    };
    child.stderr?.on('data', on);
    child.stdout?.on('data', on);
    child.once('exit', (code) => rej(new Error(`${what} exited with ${code}:\n${out.slice(-2000)}`)));
  });
}
