/**
 * `switchyard model promote FILE | rollback | status`: publishes a router model to every
 * replica over NATS (JetStream), restores the previous one, and shows what each replica runs.
 * It talks to NATS itself, with the bus credentials (--nats, NATS_URL or bus.nats of the
 * config): no router needs to be up to promote, and no tenant's API key can.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../shared/config/load-config.js';
import { modelStatus, promoteModel, rollbackModel, type ModelPointer, type ModelStatus, type PromotionTarget, type ReplicaReport } from '../server/model-promotion.js';
import { formatTable } from './format-table.js';
import type { CommandIO } from './command-io.js';

export const MODEL_USAGE = `usage: switchyard model promote FILE [--version NAME] [--nats URL] [--config FILE] [--json]
       switchyard model rollback [--nats URL] [--config FILE] [--json]
       switchyard model status [--nats URL] [--config FILE] [--json]
  promote   checks FILE (it parses and fits the config's catalog), stores it in JetStream and points every router replica at it
  rollback  points every replica back at the model the current one replaced (after the first promotion: their model files)
  status    the promoted model, its history, and what each replica runs
  Needs NATS with JetStream (nats-server -js): --nats, else NATS_URL, else bus.nats.servers.`;

const OPTIONS = {
  version: { type: 'string' },
  nats: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

const short = (p: { version: string; sha256: string }) => `${p.version} (sha256 ${p.sha256.slice(0, 12)}…)`;

function pointerLine(p: ModelPointer): string {
  const verb = p.action === 'rollback' ? 'rolled back to' : 'promoted';
  return `${verb} ${short(p)} at ${p.at}${p.previous ? `; previous ${short(p.previous)}` : ''}`;
}

/** One word on where a replica stands against the pointer, and why. */
export function replicaState(r: ReplicaReport, pointer: ModelPointer | undefined, now: number): string {
  const silentFor = now - Date.parse(r.at);
  if (silentFor > 3 * r.report_interval_ms) return `silent since ${r.at}`;
  if (r.refused && (!pointer || r.refused.sha256 === pointer.sha256)) return `refused ${r.refused.version}: ${r.refused.reason}`;
  if (!pointer) return r.source === 'file' ? 'model file (nothing promoted)' : 'promoted (pointer deleted)';
  return r.sha256 === pointer.sha256 ? 'current' : 'behind';
}

function printStatus(s: ModelStatus, io: CommandIO): void {
  io.out.write(s.pointer ? `${pointerLine(s.pointer)}\n` : 'nothing promoted: every replica serves its model file\n');
  if (s.history.length > 1) {
    io.out.write('\nhistory (newest first)\n');
    for (const p of [...s.history].reverse()) io.out.write(`  ${pointerLine(p)}\n`);
  }
  io.out.write('\n');
  if (s.replicas.length === 0) {
    io.out.write('no router replica has reported (replicas report when NATS is configured and router.model_promotion.enabled)\n');
    return;
  }
  const now = Date.now();
  const rows = s.replicas.map((r) => [r.replica, r.version, r.source, r.at, replicaState(r, s.pointer, now)]);
  io.out.write(formatTable(['replica', 'version', 'source', 'reported', 'state'], rows) + '\n');
}

export async function modelCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [action, ...rest] = positionals;
  const fail = (message: string, code = 2) => {
    io.err.write(`switchyard model: ${message}\n${code === 2 ? `${MODEL_USAGE}\n` : ''}`);
    return code;
  };
  if (action !== 'promote' && action !== 'rollback' && action !== 'status') return fail(action ? `unknown action "${action}"` : 'an action is required');
  if (action === 'promote' && rest.length !== 1) return fail('promote takes one FILE');
  if (action !== 'promote' && rest.length > 0) return fail(`${action} takes no argument`);
  if (action !== 'promote' && values.version !== undefined) return fail('--version goes with promote');
  if (values.version !== undefined && (values.version.length === 0 || values.version.length > 200)) return fail('--version: must be 1-200 characters');
  let target: PromotionTarget;
  try {
    target = { config: loadConfig(values.config ?? io.env.SWITCHYARD_CONFIG).config, env: io.env, ...(values.nats ? { natsUrl: values.nats } : {}) };
  } catch (e) {
    return fail((e as Error).message, 1);
  }
  try {
    if (action === 'status') {
      const s = await modelStatus(target);
      if (values.json) io.out.write(JSON.stringify(s) + '\n');
      else printStatus(s, io);
      return 0;
    }
    const pointer = action === 'promote' ? await promoteModel(target, rest[0]!, values.version) : await rollbackModel(target);
    if (values.json) io.out.write(JSON.stringify(pointer ?? { pointer: null }) + '\n');
    else if (!pointer) io.out.write('rolled back the first promotion: every router replica serves its own model file again\n');
    else io.out.write(`${pointerLine(pointer)}\nevery router replica swaps to it once it has fetched and checked it: see switchyard model status\n`);
    return 0;
  } catch (e) {
    return fail((e as Error).message, 1);
  }
}
