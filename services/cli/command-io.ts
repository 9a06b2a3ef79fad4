/** What every CLI command gets: its output streams, environment and standard input. */
import { readFileSync } from 'node:fs';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ERROR_CLASS_METADATA } from '../shared/errors.js';

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

/** A gRPC error as one line a person can act on. */
export function grpcErrorMessage(e: unknown, addr: string): string {
  const err = e as Partial<ServiceError>;
  const answered = err.metadata?.get(ERROR_CLASS_METADATA)?.[0];
  if (err.code === status.UNAVAILABLE && answered === 'NoExecutorError') {
    return `Switchyard at ${addr} is running but cannot execute: ${err.details ?? ''} (start an executor: \`switchyard serve --role executor\` with the same NATS_URL, or list executors in executor.remote)`;
  }
  if (err.code === status.UNAVAILABLE && answered) return `Switchyard at ${addr} answered UNAVAILABLE: ${err.details ?? ''}`;
  if (err.code === status.UNAVAILABLE) return `cannot reach Switchyard at ${addr} (is \`switchyard serve\` running?): ${err.details ?? ''}`;
  if (err.code === status.UNAUTHENTICATED) return `UNAUTHENTICATED: ${err.details ?? err.message} (the key is read from SWITCHYARD_API_KEY)`;
  if (typeof err.code === 'number') return `${status[err.code]}: ${err.details ?? err.message}`;
  return (e as Error).message ?? String(e);
}
