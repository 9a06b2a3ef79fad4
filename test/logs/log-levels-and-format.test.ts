/** The pino-backed logger: JSON lines, levels from the config unless the environment sets one, trace ids inside a span. */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, setLogLevel } from '../../services/shared/log.js';

beforeAll(() => void context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
afterAll(() => context.disable());

function capture(env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const log = createLogger('unit', env, (l) => lines.push(l));
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logs - format and levels', () => {
  it('one JSON object per line with time, level, component, msg and the fields; errors as their message', () => {
    const { log, lines, parsed } = capture();
    log.info('hello', { n: 3, error: new Error('it broke') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(parsed()[0]).toMatchObject({ level: 'info', component: 'unit', msg: 'hello', n: 3, error: 'it broke', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('the configured level applies; SWITCHYARD_LOG_LEVEL overrides it', () => {
    const a = capture();
    setLogLevel(a.log, 'warn');
    a.log.info('dropped');
    a.log.warn('kept');
    expect(a.parsed().map((l) => l.msg)).toEqual(['kept']);

    const b = capture({ SWITCHYARD_LOG_LEVEL: 'debug' });
    setLogLevel(b.log, 'error');
    b.log.debug('still here');
    expect(b.parsed().map((l) => l.msg)).toEqual(['still here']);
  });

  it('fields named for secrets or prompt text are censored', () => {
    const { log, lines } = capture();
    log.warn('careless caller', { api_key: 'sk-live-123', prompt: 'the secret plan', model: 'm' });
    expect(lines[0]).not.toContain('sk-live-123');
    expect(lines[0]).not.toContain('the secret plan');
    expect(JSON.parse(lines[0]!)).toMatchObject({ api_key: '[redacted]', prompt: '[redacted]', model: 'm' });
  });

  it('a line written inside a span carries its trace and span ids; outside, none', () => {
    const { log, parsed } = capture();
    const span = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
    context.with(trace.setSpan(context.active(), span), () => log.info('inside'));
    log.info('outside');
    const [inside, outside] = parsed();
    expect(inside).toMatchObject({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
    expect(outside).not.toHaveProperty('trace_id');
  });
});
