/**
 * What JS calls. Set-up calls (reserve, catalog) happen at load and on hot reload; `run` is
 * the per-request call and does bounded work without allocating.
 */
import { SAMPLE_MAX_BYTES } from './constants';
import { clearCatalog } from './catalog';
import { extractFeatures } from './features';
import {
  CATALOG_PROFILE,
  CATALOG_SHIFT,
  OUT_DENSE,
  OUT_LOGITS,
  OUT_QUALITY,
  OUT_SCALARS,
  OUT_TOKENS,
  SAMPLE,
} from './layout';
import { reserveModel } from './model';
import { score } from './scoring';

/** Where JS writes the sampled prompt (SAMPLE_MAX_BYTES bytes). */
export function samplePtr(): usize { return SAMPLE; }
/** Staging tables for setCatalog: profile index (i32) and logit shift (f32), MAX_CATALOG each. */
export function catalogProfilePtr(): usize { return CATALOG_PROFILE; }
export function catalogShiftPtr(): usize { return CATALOG_SHIFT; }
/** Outputs of `run`: see layout.ts. */
export function scalarsPtr(): usize { return OUT_SCALARS; }
export function densePtr(): usize { return OUT_DENSE; }
export function tokensPtr(): usize { return OUT_TOKENS; }
export function logitsPtr(): usize { return OUT_LOGITS; }
export function qualityPtr(): usize { return OUT_QUALITY; }

/**
 * Lays out room for a model's arrays and returns where to copy them (model.ts); 0 on bad sizes
 * or when memory cannot grow. Clears the catalog mapping; until the arrays are copied, `run`
 * scores with whatever the region holds.
 */
export function reserve(dim: i32, profiles: i32): usize {
  clearCatalog();
  return reserveModel(dim, profiles);
}

/**
 * Extracts the features of the `len` bytes JS wrote at samplePtr() (a sample of `sampledUnits`
 * of the prompt's `totalUnits` UTF-16 code units) and scores them with the loaded model and
 * catalog, each catalog model's quality after the task tier's prior (gapScale, lift: 1 and 0
 * for none; scoring.ts scoreCatalog). Traps when `len` is not in 0..SAMPLE_MAX_BYTES or the unit counts are negative.
 */
export function run(len: i32, totalUnits: i32, sampledUnits: i32, gapScale: f64, lift: f64): void {
  if (<u32>len > <u32>SAMPLE_MAX_BYTES || totalUnits < 0 || sampledUnits < 0) unreachable();
  score(extractFeatures(SAMPLE, len, totalUnits, sampledUnits), gapScale, lift);
}
