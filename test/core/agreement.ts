/** Compares two cores' results within the tolerances scoring-core.ts states. */
import { expect } from 'vitest';
import type { CoreResult } from '../../services/router/core/scoring-core.js';

export const DENSE_TOLERANCE = 1e-12;
export const LOGIT_TOLERANCE = 1e-4;
export const QUALITY_TOLERANCE = 1e-5;

/** Index of the first position where |a - b| > tolerance (exact when 0), or -1. */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= tolerance)) return i;
  }
  return -1;
}

export function expectAgreement(wasm: CoreResult, ref: CoreResult, label: string): void {
  expect(wasm.sampleBytes, `${label}: sample bytes`).toBe(ref.sampleBytes);
  expect(wasm.estimatedTokens, `${label}: estimated tokens`).toBe(ref.estimatedTokens);
  expect(wasm.script, `${label}: script`).toBe(ref.script);
  expect(wasm.tokenCount, `${label}: token count`).toBe(ref.tokenCount);
  const n = ref.tokenCount;
  expect(firstMismatch(wasm.tokens.subarray(0, n), ref.tokens.subarray(0, n), 0), `${label}: first differing token`).toBe(-1);
  const dense = firstMismatch(wasm.dense, ref.dense, DENSE_TOLERANCE);
  expect(dense, `${label}: dense ${dense} is ${wasm.dense[dense]} vs ${ref.dense[dense]}`).toBe(-1);
  const logit = firstMismatch(wasm.logits, ref.logits, LOGIT_TOLERANCE);
  expect(logit, `${label}: logit ${logit} is ${wasm.logits[logit]} vs ${ref.logits[logit]}`).toBe(-1);
  const quality = firstMismatch(wasm.quality, ref.quality, QUALITY_TOLERANCE);
  expect(quality, `${label}: quality ${quality} is ${wasm.quality[quality]} vs ${ref.quality[quality]}`).toBe(-1);
}
