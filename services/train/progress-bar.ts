/**
 * A one-line progress display for training on a stream: redrawn in place (\r) on a TTY, and
 * on anything else one line per finished epoch, so logs stay readable.
 */
import type { TrainProgress } from './trainer.js';

export interface ProgressReporter {
  update(p: TrainProgress, prefix?: string): void;
  /** Ends the in-place line, if one is drawn. */
  done(): void;
}

export function progressReporter(err: NodeJS.WritableStream, label = 'training'): ProgressReporter {
  const tty = (err as { isTTY?: boolean }).isTTY === true;
  let drawn = false;
  return {
    update(p, prefix = '') {
      if (tty) {
        const width = 30;
        const frac = p.steps > 0 ? p.step / p.steps : 1;
        const full = Math.round(frac * width);
        const bar = `${'#'.repeat(full)}${'.'.repeat(width - full)}`;
        err.write(`\r${prefix}${label} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`);
        drawn = true;
      } else if (p.epochDone) {
        err.write(`${prefix}${label}: epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}\n`);
      }
    },
    done() {
      if (drawn) err.write('\n');
      drawn = false;
    },
  };
}
