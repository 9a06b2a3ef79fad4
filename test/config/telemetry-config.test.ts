import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../services/shared/config/load-config.js';
import { defaultConfigObject } from '../support/router-fixture.js';

function problems(telemetry: unknown): string[] {
  try {
    parseConfig(stringify({ ...defaultConfigObject(), telemetry }), 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
}

describe('config - telemetry', () => {
  it('metrics are off and logs at info by default', () => {
    const config = parseConfig(stringify(defaultConfigObject()), 'test.yaml');
    expect(config.telemetry).toEqual({ log_level: 'info' });
  });

  it('takes a metrics address and a log level', () => {
    const config = parseConfig(stringify({ ...defaultConfigObject(), telemetry: { metrics_listen: '0.0.0.0:9464', log_level: 'debug' } }), 'test.yaml');
    expect(config.telemetry).toEqual({ metrics_listen: '0.0.0.0:9464', log_level: 'debug' });
  });

  it('names the key of a bad value or an unknown key', () => {
    expect(problems({ metrics_listen: '9464' }).join('\n')).toMatch(/telemetry\.metrics_listen: must be host:port/);
    expect(problems({ log_level: 'loud' }).join('\n')).toMatch(/telemetry\.log_level/);
    expect(problems({ metrics_port: 9464 }).join('\n')).toMatch(/telemetry\.metrics_port: unknown key/);
  });
});
