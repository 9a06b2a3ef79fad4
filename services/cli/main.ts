/**
 * The `switchyard` command line. Each subcommand lives in its own module and is registered
 * here, in one place.
 */
import { BENCH_USAGE, benchCommand } from './bench-command.js';
import { BUDGETS_USAGE, budgetsCommand } from './budgets-command.js';
import { CALIBRATE_USAGE, EVAL_USAGE, TRAIN_USAGE, calibrateCommand, evalCommand, trainCommand } from './learning-commands.js';
import { processIO, type CommandIO } from './command-io.js';
import { DECIDE_USAGE, decideCommand } from './decide-command.js';
import { DECISIONS_USAGE, decisionsCommand } from './decisions-command.js';
import { EXECUTE_USAGE, executeCommand } from './execute-command.js';
import { REVOKE_KEY_USAGE, revokeKeyCommand } from './revoke-key-command.js';
import { MODELS_USAGE, modelsCommand } from './models-command.js';
import { MODEL_USAGE, modelCommand } from './model-command.js';
import { SERVE_USAGE, serveCommand } from './serve-command.js';
import { version } from './version.js';

type Command = (argv: string[], io: CommandIO) => Promise<number>;


const COMMANDS: Record<string, { run: Command; summary: string; usage: string }> = {
  serve: { run: serveCommand, summary: 'run the service (router and executor in one process)', usage: SERVE_USAGE },
  decide: { run: decideCommand, summary: 'ask a running service which model it would choose, and why', usage: DECIDE_USAGE },
  models: { run: modelsCommand, summary: "list a running service's models: capabilities, prices, availability", usage: MODELS_USAGE },
  execute: { run: executeCommand, summary: 'route and run a request; print the answer, its cost and the attempts', usage: EXECUTE_USAGE },
  decisions: { run: decisionsCommand, summary: 'read the decision log: tail, show a record, export routing data for eval and train', usage: DECISIONS_USAGE },
  train: { run: trainCommand, summary: 'train a router model on outcome data', usage: TRAIN_USAGE },
  eval: { run: evalCommand, summary: 'evaluate a router model: cost/quality against the flagship, baselines, segments', usage: EVAL_USAGE },
  calibrate: { run: calibrateCommand, summary: 'set the cost/quality knob for a target (match the flagship, a share, a budget) and write it into a config', usage: CALIBRATE_USAGE },
  model: { run: modelCommand, summary: 'promote a router model to every replica over NATS, roll it back, or show what each replica runs', usage: MODEL_USAGE },
  'revoke-key': { run: revokeKeyCommand, summary: 'revoke an API key on every replica (through NATS)', usage: REVOKE_KEY_USAGE },
  budgets: { run: (argv, io) => budgetsCommand(argv, io), summary: 'reconcile the budget ledger with the decision record (budgets reconcile)', usage: BUDGETS_USAGE },
  bench: { run: benchCommand, summary: 'measure Switchyard on this machine (core, Decide, Execute, memory, scale)', usage: BENCH_USAGE },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: switchyard <command> [options]   (switchyard --version prints the version)',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'switchyard <command> --help' for a command's options.",
  ].join('\n');
}

export async function main(argv: string[], io: CommandIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out.write(`switchyard ${version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err.write(`switchyard: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out.write(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.err.write(`switchyard ${name}: ${(e as Error).message}\n${command.usage}\n`);
      return 2;
    }
    throw e;
  }
}
