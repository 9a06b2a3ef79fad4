/**
 * `switchyard train`, `eval` and `calibrate`: the learned router's training, its evaluation
 * and the setting of its cost/quality knob for a stated target (services/train/commands.ts),
 * with `train --shipped` reproducing the shipped router model from the committed data.
 */
import { calibrateCommand as calibrate, evalCommand as evaluate, trainCommand as train } from '../train/commands.js';
import { trainShipped } from '../train/train-shipped.js';
import { EVAL_FROM_LOG_USAGE, evalFromLogCommand, TRAIN_FROM_LOG_USAGE, trainFromLogCommand } from '../evaluation/from-log-commands.js';
import type { CommandIO } from './command-io.js';

export const TRAIN_USAGE =
  'usage: switchyard train --data F.jsonl[.gz] [--data G ...] [--pool a,b,...] --out MODEL [--seed N] [--epochs N] [--dim N]\n' +
  '       switchyard train --shipped    (reproduce models/router-model.syrm from data/)\n' +
  `       ${TRAIN_FROM_LOG_USAGE.replace('usage: ', '')}`;
export const EVAL_USAGE =
  'usage: switchyard eval --data F.jsonl[.gz] [--model MODEL | --folds K] [--pool a,b,...] [--json] [--plot curve.svg] [--cost-model tokens|mean]\n' +
  "         [--flagship-share Q]: report segments and savings at the cheapest point with at least Q of the flagship's quality (default 1)\n" +
  '         [--margin M]: and at quality margin M, as a policy with quality_margin M routes (balanced: 0.03)\n' +
  '         [--train-with G.jsonl ...]: with --folds, every fold also trains on G (questions shared with F are left out)\n' +
  `       ${EVAL_FROM_LOG_USAGE.replace('usage: ', '')}`;
export const CALIBRATE_USAGE =
  'usage: switchyard calibrate --data F.jsonl[.gz] [--model MODEL | --folds K] [--pool a,b,...]\n' +
  '                            (--match-flagship | --flagship-share Q | --strong-share S | --budget USD_PER_1000)\n' +
  '                            [--config C.yaml] [--policy NAME] [--write] [--json]\n' +
  '  Sets the cost/quality knob for a target, measured on the data:\n' +
  "    --match-flagship   the cheapest knob whose quality is at least the flagship's (the pool's best model)\n" +
  "    --flagship-share Q the cheapest knob whose quality is at least Q (0..1] of the flagship's\n" +
  '    --strong-share S   the share of calls to the flagship closest to S (0..1) without exceeding it\n' +
  '    --budget B         the best quality at a mean cost of at most B USD per 1,000 requests\n' +
  '  Predictions come from --model (default models/router-model.syrm) or, with --folds K, from models\n' +
  '  trained on the other folds ([--seed N] [--epochs N] [--dim N] as in eval). Without either, and\n' +
  "  when the shipped model does not know the data's models, 5-fold cross-validation on the data.\n" +
  '  --write sets policies.<NAME>.cost_quality_tradeoff in --config (NAME: --policy, default\n' +
  '  router.default_policy), keeping its comments; exit 1 when no knob meets the target. A policy\n' +
  "  with a quality_margin (the built-in balanced, economy, quality) operates by it: the margin for\n" +
  '  the target is found the same way, and --write sets quality_margin instead.\n' +
  '  Calibration error (predicted against observed quality) is in `switchyard eval`.';

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
  if (argv.includes('--from-log')) return trainFromLogCommand(argv, io.out, io.err);
  return train(argv, io.out, io.err);
}

export const evalCommand = (argv: string[], io: CommandIO) => (argv.includes('--from-log') ? evalFromLogCommand(argv, io.out, io.err) : evaluate(argv, io.out, io.err));
export const calibrateCommand = (argv: string[], io: CommandIO) => calibrate(argv, io.out, io.err);
