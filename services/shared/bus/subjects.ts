/**
 * The bus's subject hierarchy, in one place. Every subject lives under `switchyard.v1.`; the
 * payload of each is one protobuf message of proto/switchyard/v1/bus.proto, so a consumer in
 * any language can decode it. Per-executor subjects end in the executor's id (a NATS token:
 * letters, digits, `-` and `_`), so that a consumer can listen to one executor or to all (`*`).
 *
 *   switchyard.v1.health.<executor>      HealthReport          interval + on a circuit change
 *   switchyard.v1.ratelimit.<executor>   RateLimitReport       on provider reports and 429s
 *   switchyard.v1.cache.<executor>       CacheReport           batched, per cache interval
 *   switchyard.v1.executor.announce      ExecutorAnnouncement  start, interval, sync, withdrawal
 *   switchyard.v1.sync.request           SyncRequest           a router (re)joins: send state now
 *   switchyard.v1.drift.<router>         DriftAlarm            a router's drift monitor raised an alarm
 */
export const SUBJECT_ROOT = 'switchyard.v1';

/** Message kinds, as the protobuf type names in bus.proto. */
export const BUS_KINDS = {
  health: 'HealthReport',
  ratelimit: 'RateLimitReport',
  cache: 'CacheReport',
  announce: 'ExecutorAnnouncement',
  sync: 'SyncRequest',
  drift: 'DriftAlarm',
} as const;
export type BusKind = keyof typeof BUS_KINDS;

/** Version of bus.proto's messages this code writes and reads (`schema_version`). */
export const SCHEMA_VERSION = 1;

export const SUBJECTS = {
  health: (executor: string) => `${SUBJECT_ROOT}.health.${executor}`,
  ratelimit: (executor: string) => `${SUBJECT_ROOT}.ratelimit.${executor}`,
  cache: (executor: string) => `${SUBJECT_ROOT}.cache.${executor}`,
  announce: () => `${SUBJECT_ROOT}.executor.announce`,
  sync: () => `${SUBJECT_ROOT}.sync.request`,
  drift: (router: string) => `${SUBJECT_ROOT}.drift.${router}`,
} as const;

/** Subscriptions that cover every executor. */
export const WILDCARDS = {
  health: `${SUBJECT_ROOT}.health.*`,
  ratelimit: `${SUBJECT_ROOT}.ratelimit.*`,
  cache: `${SUBJECT_ROOT}.cache.*`,
  announce: SUBJECTS.announce(),
  sync: SUBJECTS.sync(),
  drift: `${SUBJECT_ROOT}.drift.*`,
} as const satisfies Record<BusKind, string>;

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks that `id` can be the last token of a subject. */
export function checkExecutorId(id: string): string {
  if (!TOKEN.test(id)) throw new RangeError(`executor id "${id}" must be 1-64 letters, digits, - or _`);
  return id;
}

/** NATS subject matching: `*` matches one token, a final `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const t = p[i];
    if (t === '>') return s.length > i;
    if (i >= s.length) return false;
    if (t !== '*' && t !== s[i]) return false;
  }
  return p.length === s.length;
}
