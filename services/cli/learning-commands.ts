/**
 * `switchyard train`, `eval` and `calibrate`: the learned router's training and evaluation
 * (services/train/commands.ts), with `train --shipped` reproducing the shipped router model
 * from the committed data.
 */
import { calibrateCommand as calibrate, evalCommand as evaluate, trainCommand as train } from '../train/commands.js';
import { trainShipped } from '../train/train-shipped.js';
import type { CommandIO } from './command-io.js';

export const TRAIN_USAGE =
  'usage: switchyard train --data F.jsonl[.gz] [--data G ...] [--pool a,b,...] --out MODEL [--seed N] [--epochs N] [--dim N]\n' +
  '       switchyard train --shipped    (reproduce models/router-model.syrm from data/)';
export const EVAL_USAGE =
  'usage: switchyard eval --data F.jsonl[.gz] [--model MODEL | --folds K] [--pool a,b,...] [--json] [--plot curve.svg] [--cost-model tokens|mean]';
export const CALIBRATE_USAGE = 'usage: switchyard calibrate --data F.jsonl[.gz] [--model MODEL] [--pool a,b,...] [--json]';

export async function trainCommand(argv: string[], io: CommandIO): Promise<number> {
  if (argv.includes('--shipped')) {
    if (argv.length > 1) {
      io.err.write(`switchyard train: --shipped takes no other options\n${TRAIN_USAGE}\n`);
      return 2;
    }
    const { path, bytes } = await trainShipped();
    io.out.write(`wrote ${path} (${bytes} bytes)\n`);
    return 0;
  }
  return train(argv, io.out, io.err);
}

export const evalCommand = (argv: string[], io: CommandIO) => evaluate(argv, io.out, io.err);
export const calibrateCommand = (argv: string[], io: CommandIO) => calibrate(argv, io.out, io.err);
