/** What every CLI command gets: its output streams, environment and standard input. */
import { readFileSync } from 'node:fs';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ERROR_CLASS_METADATA } from '../shared/errors.js';
import { serverAnswers } from './server-probe.js';

export interface CommandIO {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Reads all of standard input (for a prompt given as "-"). */
  readStdin(): string;
}

export function processIO(): CommandIO {
  return { out: process.stdout, err: process.stderr, env: process.env, readStdin: () => readFileSync(0, 'utf8') };
}

/** The prompt: the one positional argument, or standard input when it is "-". */
export function readPrompt(positionals: string[], io: CommandIO): string | { error: string } {
  if (positionals.length !== 1) return { error: positionals.length === 0 ? 'a prompt is required' : 'give the prompt as one argument (quote it)' };
  return positionals[0] === '-' ? io.readStdin() : positionals[0]!;
}

/** The router's message when every model is unavailable (Decide's NoEligibleModelError). */
const NOTHING_AVAILABLE = /^no model is available\b/;

/**
 * A gRPC error as one line a person can act on. It tells a missing server ("no Switchyard
 * server at ADDR") from one that is up but has nothing to answer with (no executor or no
 * credentials for any model), asking the health service when the status alone cannot say.
 */
export async function grpcErrorMessage(e: unknown, addr: string, probe: (addr: string) => Promise<boolean> = serverAnswers): Promise<string> {
  const err = e as Partial<ServiceError>;
  // grpc-js appends an empty "Resolution note: " to a failed connection's details.
  const details = (err.details ?? err.message ?? '').replace(/\s*Resolution note:\s*$/, '');
  const answered = err.metadata?.get(ERROR_CLASS_METADATA)?.[0];
  if (err.code === status.UNAVAILABLE && answered === 'NoExecutorError') {
    return `Switchyard at ${addr} is running but cannot execute: ${details} (start an executor: \`switchyard serve --role executor\` with the same NATS_URL, or list executors in executor.remote)`;
  }
  if (err.code === status.UNAVAILABLE && answered) return `Switchyard at ${addr} is up, but could not answer: ${details}`;
  if (err.code === status.UNAVAILABLE) {
    if (!(await probe(addr))) return `no Switchyard server at ${addr} (is \`switchyard serve\` running there?): ${details}`;
    return `Switchyard at ${addr} is up, but could not answer: ${details}`;
  }
  if (err.code === status.UNAUTHENTICATED) return `UNAUTHENTICATED: ${details} (the key is read from SWITCHYARD_API_KEY)`;
  if (err.code === status.FAILED_PRECONDITION && NOTHING_AVAILABLE.test(details)) {
    return `Switchyard at ${addr} is up, but has no executor (or no credentials) for any model: ${details}`;
  }
  if (typeof err.code === 'number') return `${status[err.code]}: ${details}`;
  return (e as Error).message ?? String(e);
}
