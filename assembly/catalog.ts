/**
 * The catalog mapping: for each catalog model, the profile whose logit it takes and a logit
 * shift, so that its quality is sigmoid(logit[profile] + shift).
 *
 * JS writes entries into the staging tables (CATALOG_PROFILE i32, CATALOG_SHIFT f32) and
 * commits them with setCatalog; only committed entries are read by `run`. Reserving a model
 * clears the mapping, since its profile indices name the previous model's profiles.
 */
import { MAX_CATALOG } from './constants';
import { CATALOG_PROFILE, CATALOG_SHIFT } from './layout';
import { modelProfiles } from './model';

/** Committed entries: profile (i32) and shift (f32) of each catalog model. */
export const ACTIVE_PROFILE: usize = memory.data(MAX_CATALOG * 4, 16);
export const ACTIVE_SHIFT: usize = memory.data(MAX_CATALOG * 4, 16);

/** Committed catalog size; 0 when no mapping is set. */
export let catalogSize: i32 = 0;

/**
 * Commits the first `n` staged entries. Returns -1 on success; otherwise the index of the first
 * entry whose profile is not one of the loaded model's (n itself when n is out of
 * 0..MAX_CATALOG), and the mapping is left empty.
 */
export function setCatalog(n: i32): i32 {
  catalogSize = 0;
  if (n < 0 || n > MAX_CATALOG) return n;
  for (let c = 0; c < n; c++) {
    const p = load<i32>(CATALOG_PROFILE + (<usize>c << 2));
    if (p < 0 || p >= modelProfiles) return c;
  }
  memory.copy(ACTIVE_PROFILE, CATALOG_PROFILE, <usize>n << 2);
  memory.copy(ACTIVE_SHIFT, CATALOG_SHIFT, <usize>n << 2);
  catalogSize = n;
  return -1;
}

/** Empties the mapping. */
export function clearCatalog(): void {
  catalogSize = 0;
}
