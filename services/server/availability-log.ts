/**
 * Log lines when what a process depends on goes away or comes back: the NATS connection, and
 * (for a router) the executors it knows of on the bus.
 */
import type { Bus } from '../shared/bus/bus.js';
import type { Logger } from '../shared/log.js';
import type { ExecutorRegistry } from '../router/state/executor-registry.js';

export function logAvailability(source: Bus | ExecutorRegistry, log: Logger): void {
  if ('onStatus' in source) {
    if (source.kind !== 'nats') return;
    source.onStatus((s) => (s === 'connected' ? log.info('NATS connected') : log.warn('NATS connection lost; routing on the last known state')));
    return;
  }
  let known = new Map<string, string>();
  source.onChange(() => {
    const now = new Map(source.live(Date.now()).map((e) => [e.id, e.address]));
    for (const [id, address] of now) if (!known.has(id)) log.info('executor available', { executor_id: id, address });
    for (const [id, address] of known) if (!now.has(id)) log.warn('executor gone', { executor_id: id, address });
    known = now;
  });
}
