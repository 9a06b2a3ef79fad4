import { describe, expect, it } from 'vitest';
import { calibrationReport, expectedCalibrationError, recalibrationShift } from '../../services/train/calibration.js';

describe('calibration - expected calibration error', () => {
  it('is 0 for predictions equal to the observed rate in each bin', () => {
    const r = expectedCalibrationError([0.25, 0.25, 0.25, 0.25, 0.95, 0.95], [1, 0, 0, 0, 1, 1]);
    // Bin [0.2, 0.3): mean p .25, mean y .25. Bin [0.9, 1]: .95 vs 1 → 2/6 · .05.
    expect(r.ece).toBeCloseTo((2 / 6) * 0.05, 12);
    expect(r.n).toBe(6);
  });

  it('weights each bin by its share of pairs', () => {
    // Bin 0: p .05 ×2, y 1, 1 → |.05 − 1| = .95, weight 2/4; bin 9: p 1, y 1 → 0; p 0.55, y 0 → .55, weight 1/4.
    const r = expectedCalibrationError([0.05, 0.05, 1, 0.55], [1, 1, 1, 0]);
    expect(r.ece).toBeCloseTo(0.5 * 0.95 + 0.25 * 0.55, 12);
  });

  it('reports per segment and per model, skipping unobserved pairs', () => {
    const r = calibrationReport(
      ['a', 'b'],
      ['s', 't'],
      Float64Array.from([0.9, 0.1, 0.5, 0.5]),
      Float64Array.from([1, 0, 1, NaN]),
      Uint8Array.from([1, 1, 1, 0]),
    );
    expect(r.n).toBe(3);
    expect(r.segments).toEqual({ s: { n: 2, ece: expect.closeTo(0.1, 12) }, t: { n: 1, ece: expect.closeTo(0.5, 12) } });
    expect(r.models.b).toEqual({ n: 1, ece: expect.closeTo(0.1, 12) });
  });
});

describe('calibration - recalibration shift', () => {
  it('moves the mean prediction onto the observed mean', () => {
    const p = [0.2, 0.5, 0.7, 0.9];
    const y = [1, 1, 0, 1];
    const x = recalibrationShift(p, y);
    const mean = p.reduce((s, q) => s + 1 / (1 + Math.exp(-(Math.log(q / (1 - q)) + x))), 0) / p.length;
    expect(mean).toBeCloseTo(0.75, 10);
    expect(recalibrationShift([], [])).toBe(0);
  });
});
