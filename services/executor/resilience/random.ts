/** A source of uniform numbers in [0, 1), like Math.random. */
export type Random = () => number;

/**
 * A small seeded generator (mulberry32) for reproducible jitter and tie-breaking in tests and
 * simulations. Not for anything that must be unpredictable.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
