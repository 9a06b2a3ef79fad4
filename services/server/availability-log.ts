/**
 * Log lines when the NATS connection goes away or comes back, for an executor or a process of
 * role all. A router-only process logs these (and every executor that joins or goes) once,
 * through its readiness (router/state/executor-readiness.ts), which says what the loss means
 * for Execute.
 */
import type { Bus } from '../shared/bus/bus.js';
import type { Logger } from '../shared/log.js';

export function logAvailability(bus: Bus, log: Logger): void {
  if (bus.kind !== 'nats') return;
  bus.onStatus((s) => (s === 'connected' ? log.info('NATS connected') : log.warn('NATS connection lost; routing on the last known state')));
}
