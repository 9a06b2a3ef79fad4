/**
 * The soak benchmark's memory figures: one sample of the server per window (its resident set and
 * where it is: V8's heap spaces, external memory, the kernel's anonymous/file split) and the
 * slope of the resident set over the first and the second half of the run, so that "levels off"
 * is a number: a second-half slope near zero.
 */
import type { Child } from './bench-children.js';
import type { MemoryBreakdown } from './memory-breakdown.js';

/** A window's memory fields (MB). `heapMb` is V8's used heap and `externalMb` Node's external memory (array buffers included). */
export type MemorySample = { rssMb: number; heapMb: number; externalMb: number } & Omit<MemoryBreakdown, 'rssMb' | 'heapUsedMb' | 'externalMb'>;

export async function sampleMemory(server: Child, collect: boolean): Promise<MemorySample> {
  const reply = await server.ask({ type: 'memory', collect });
  if (reply.type !== 'memory') throw new Error(`the server answered a memory request with ${reply.type}`);
  const { rssMb, heapUsedMb, externalMb, ...rest } = reply.breakdown;
  return { rssMb, heapMb: heapUsedMb, externalMb, ...rest };
}

/** Least-squares slope of y over x; NaN for fewer than two distinct x. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? NaN : sxy / sxx;
}

export interface HalfSlopes {
  /** MB per minute, least squares over the windows of each half of the run. */
  first_half_mb_per_min: number | null;
  second_half_mb_per_min: number | null;
}

/** Slopes of one field of the windows (each with `t_s`) over the first and second half of `durationS`. */
export function halfSlopes<W extends { t_s: number }>(windows: readonly W[], field: (w: W) => number | undefined, durationS: number): HalfSlopes {
  const half = durationS / 2;
  const pts = windows.flatMap((w) => {
    const y = field(w);
    return y === undefined || w.t_s > durationS ? [] : [[w.t_s / 60, y] as const];
  });
  const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);
  return {
    first_half_mb_per_min: round(slope(pts.filter(([t]) => t * 60 <= half))),
    second_half_mb_per_min: round(slope(pts.filter(([t]) => t * 60 > half))),
  };
}
