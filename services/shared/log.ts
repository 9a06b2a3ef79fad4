/**
 * A small structured logger: one line per event on stderr, `time level msg key=value...`, or
 * JSON lines with SWITCHYARD_LOG_FORMAT=json. Callers never pass prompt text or secrets.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function render(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === 'string') return /^[\w.:/@-]*$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

export function createLogger(
  component: string,
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Logger {
  const min = ORDER[(env.SWITCHYARD_LOG_LEVEL as Level) ?? 'info'] ?? ORDER.info;
  const json = env.SWITCHYARD_LOG_FORMAT === 'json';
  const emit = (level: Level, msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < min) return;
    const time = new Date().toISOString();
    if (json) {
      const f = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v instanceof Error ? v.message : v]));
      write(JSON.stringify({ time, level, component, msg, ...f }));
    } else {
      const kv = Object.entries(fields).map(([k, v]) => `${k}=${render(v)}`).join(' ');
      write(`${time} ${level.toUpperCase().padEnd(5)} ${component}: ${msg}${kv ? ' ' + kv : ''}`);
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
