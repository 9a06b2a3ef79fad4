/**
 * `switchyard budgets reconcile`: compares each budgeted tenant's spend counters in the shared
 * ledger with the costs in the decision record, for one UTC day and its month, and with --fix
 * sets each drifting counter to the record's sum.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../shared/config/load-config.js';
import { createLogger } from '../shared/log.js';
import { reconcileBudgets, type SpendDrift } from '../server/reconcile-budgets.js';
import type { CommandIO } from './command-io.js';
import { formatTable } from './format-table.js';

export const BUDGETS_USAGE =
  'usage: switchyard budgets reconcile [--day YYYY-MM-DD] [--fix] [--config FILE] [--json]\n' +
  '  compares the ledger (NATS key-value) with the decision record for the day (default: today, UTC) and its month;\n' +
  '  --fix sets each drifting counter to the record\'s sum (run it when traffic is quiet or the day is over).\n' +
  '  exit status: 0 no drift (or all fixed), 3 drift found, 1 error';

const usd = (nano: number) => (nano / 1e9).toFixed(9);

function parseDay(s: string | undefined, now: number): number | string {
  if (s === undefined) return now;
  if (!/^\d{4}-\d\d-\d\d$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`))) return `--day ${JSON.stringify(s.slice(0, 32))}: not a date (YYYY-MM-DD)`;
  return Date.parse(`${s}T12:00:00Z`);
}

export async function budgetsCommand(argv: string[], io: CommandIO, now: () => number = Date.now): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { day: { type: 'string' }, fix: { type: 'boolean', default: false }, config: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (positionals.length !== 1 || positionals[0] !== 'reconcile') {
    io.err.write(`switchyard budgets: ${positionals.length === 0 ? 'a subcommand is required' : `unknown subcommand ${JSON.stringify(positionals.join(' ').slice(0, 32))}`}\n${BUDGETS_USAGE}\n`);
    return 2;
  }
  const at = parseDay(values.day, now());
  if (typeof at === 'string') {
    io.err.write(`switchyard budgets reconcile: ${at}\n`);
    return 2;
  }
  let rows: SpendDrift[];
  try {
    const { config } = loadConfig(values.config ?? io.env.SWITCHYARD_CONFIG);
    const log = createLogger('budgets', io.env, (line) => io.err.write(line + '\n'));
    rows = await reconcileBudgets({ config, env: io.env, log, at, fix: values.fix });
  } catch (e) {
    io.err.write(`switchyard budgets reconcile: ${(e as Error).message}\n`);
    return 1;
  }
  if (values.json) {
    for (const r of rows) io.out.write(JSON.stringify(r) + '\n');
  } else if (rows.length === 0) {
    io.out.write('no tenant has a budget: nothing to reconcile\n');
  } else {
    const table = rows.map((r) => [r.tenant, r.counter, usd(r.ledgerNano), usd(r.recordsNano), String(r.records), usd(r.driftNano), usd(r.heldNano), r.corrected ? 'fixed' : r.driftNano === 0 ? 'ok' : 'DRIFT']);
    io.out.write(formatTable(['tenant', 'counter', 'ledger_usd', 'records_usd', 'records', 'drift_usd', 'held_usd', 'state'], table) + '\n');
  }
  return rows.some((r) => r.driftNano !== 0 && !r.corrected) ? 3 : 0;
}
