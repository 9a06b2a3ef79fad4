/**
 * Structured logs: one JSON object per line on stderr, written by pino. Every line carries
 * `time`, `level`, `component` and `msg`, and `trace_id` / `span_id` when it is written inside
 * a span (a request's lines always are). The level comes from SWITCHYARD_LOG_LEVEL, else from
 * the config (`telemetry.log_level`, applied with `setLogLevel`), else `info`.
 *
 * Lines to stderr are written in batches (bufferedStderr says what a crash can lose).
 *
 * Callers never pass prompt text or secrets; as a second guard, fields whose names say they
 * hold a secret or prompt text are censored by pino's redaction.
 */
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type Logger as PinoLogger } from 'pino';

export const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Field names that must never carry their value into a log line. */
const REDACTED = ['api_key', 'apiKey', 'authorization', 'token', 'password', 'secret', 'prompt', 'text', 'content', 'messages'];

/** The active span's ids, merged into every line written inside a span. */
function traceIds(): object {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const sc = span.spanContext();
  return isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
}

const NO_FIELDS = {};

function errorsAsMessages(fields: Record<string, unknown>): Record<string, unknown> {
  for (const k in fields) {
    if (fields[k] instanceof Error) return Object.fromEntries(Object.entries(fields).map(([key, v]) => [key, v instanceof Error ? v.message : v]));
  }
  return fields;
}

const pinos = new WeakMap<Logger, PinoLogger>();
const levelFromEnv = new WeakSet<Logger>();

function isLevel(x: unknown): x is Level {
  return typeof x === 'string' && (LEVELS as readonly string[]).includes(x);
}

/** Bytes of lines held before a write, and how long a line may wait at most. */
const BUFFER_BYTES = 4096;
const FLUSH_MS = 200;

let stderrLines: { write(s: string): void } | undefined;

/**
 * Lines for stderr, written asynchronously in batches, shared by every logger: a line waits until
 * BUFFER_BYTES are held or FLUSH_MS has passed (a write call per line was a fifth of a Decide
 * call at info level). On exit, held lines are written synchronously (pino registers that for its
 * destinations); a process killed outright (SIGKILL, an abort in native code) loses the lines of
 * its last FLUSH_MS, at most about BUFFER_BYTES.
 */
function bufferedStderr(): { write(s: string): void } {
  if (stderrLines) return stderrLines;
  const d = pino.destination({ fd: 2, sync: false, minLength: BUFFER_BYTES });
  let held = false;
  setInterval(() => {
    if (!held) return;
    held = false;
    d.flush();
  }, FLUSH_MS).unref();
  stderrLines = {
    write: (line: string) => {
      held = true;
      d.write(line);
    },
  };
  return stderrLines;
}

/**
 * A logger for `component`. `write` receives each line without its newline (tests capture
 * lines with it); by default lines go to stderr.
 */
export function createLogger(component: string, env: NodeJS.ProcessEnv = process.env, write?: (line: string) => void): Logger {
  const fromEnv = env.SWITCHYARD_LOG_LEVEL;
  const destination = write ? { write: (s: string) => write(s.endsWith('\n') ? s.slice(0, -1) : s) } : bufferedStderr();
  const p = pino(
    {
      level: isLevel(fromEnv) ? fromEnv : 'info',
      base: { component },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceIds,
      redact: { paths: REDACTED, censor: '[redacted]' },
    },
    destination,
  );
  const logger: Logger = {
    debug: (m, f) => p.debug(f ? errorsAsMessages(f) : NO_FIELDS, m),
    info: (m, f) => p.info(f ? errorsAsMessages(f) : NO_FIELDS, m),
    warn: (m, f) => p.warn(f ? errorsAsMessages(f) : NO_FIELDS, m),
    error: (m, f) => p.error(f ? errorsAsMessages(f) : NO_FIELDS, m),
  };
  pinos.set(logger, p);
  if (isLevel(fromEnv)) levelFromEnv.add(logger);
  return logger;
}

/**
 * Applies the configured level to a logger made by `createLogger`, unless the environment
 * already chose one (SWITCHYARD_LOG_LEVEL wins). Other loggers are left as they are.
 */
export function setLogLevel(logger: Logger, level: Level | undefined): void {
  const p = pinos.get(logger);
  if (!p || !level || levelFromEnv.has(logger)) return;
  p.level = level;
}

/** True when `level` lines would be written (to skip building fields nobody reads). */
export function logsAt(logger: Logger, level: Level): boolean {
  const p = pinos.get(logger);
  return p ? p.isLevelEnabled(level) : true;
}
