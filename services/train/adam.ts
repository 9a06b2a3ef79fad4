/**
 * Adam (Kingma & Ba) over one flat parameter vector, with L2 added to the gradient. The
 * caller accumulates gradients into `g`; `step` updates a range and clears it there, which
 * lets a sparse table update only the rows a batch touched ("lazy" Adam).
 */
export const BETA1 = 0.9;
export const BETA2 = 0.999;
const EPS = 1e-8;

export class AdamParam {
  readonly m: Float64Array;
  readonly v: Float64Array;
  readonly g: Float64Array;

  constructor(readonly w: Float64Array) {
    this.m = new Float64Array(w.length);
    this.v = new Float64Array(w.length);
    this.g = new Float64Array(w.length);
  }

  /**
   * Updates entries [from, to) with the gradient in g plus l2 · w. `c1`, `c2` are the bias
   * corrections 1 − β1^t and 1 − β2^t of the current step t.
   */
  step(from: number, to: number, lr: number, c1: number, c2: number, l2: number): void {
    const { w, m, v, g } = this;
    for (let i = from; i < to; i++) {
      const gi = g[i]! + l2 * w[i]!;
      const mi = BETA1 * m[i]! + (1 - BETA1) * gi;
      const vi = BETA2 * v[i]! + (1 - BETA2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + EPS);
      g[i] = 0;
    }
  }

  /** Clears the gradient of [from, to) without updating. */
  clear(from: number, to: number): void {
    this.g.fill(0, from, to);
  }
}
