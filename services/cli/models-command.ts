/**
 * `switchyard models [--addr ADDR] [--json]`: the catalog of a running Switchyard (ListModels)
 * as a table, or with --json as the ListModelsResponse in proto3 JSON.
 */
import { parseArgs } from 'node:util';
import type { ModelInfo__Output } from '../generated/switchyard/v1/ModelInfo.js';
import type { CommandIO } from './command-io.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connection } from './cli-connection.js';
import { formatTable } from './format-table.js';
import { listModels } from '../shared/grpc/router-client.js';

export const MODELS_USAGE = `usage: switchyard models [--addr ADDR] [--json]\n${CONNECTION_USAGE}`;

const CAPABILITY_NAMES: Record<string, string> = { CAPABILITY_TOOLS: 'tools', CAPABILITY_VISION: 'vision', CAPABILITY_JSON_OUTPUT: 'json', CAPABILITY_STREAMING: 'streaming' };
const usd = (x: number) => `$${x.toFixed(2)}`;

/** How the router predicts a model's quality: a prior's public score and tier, or measured. */
function qualityOf(m: ModelInfo__Output): string {
  if (!m.qualityPrior) return 'measured';
  return m.qualityPriorScore > 0 ? `prior ${m.qualityPriorScore.toFixed(2)} ${m.qualityTier}` : 'prior';
}

export function formatModels(models: ModelInfo__Output[]): string {
  const rows = models.map((m) => [
    m.id,
    m.provider,
    m.available ? 'yes' : 'no',
    String(m.contextWindow),
    String(m.maxOutputTokens),
    usd(m.prices?.inputPerMtok ?? 0),
    usd(m.prices?.outputPerMtok ?? 0),
    `${m.typicalTtftMs} ms`,
    m.capabilities.map((c) => CAPABILITY_NAMES[c] ?? c).join(','),
    qualityOf(m),
    m.qualityProfile,
    m.available ? '' : m.unavailableReason,
  ]);
  const table = formatTable(
    ['model', 'provider', 'available', 'context', 'max out', 'in $/M', 'out $/M', 'ttft', 'capabilities', 'quality', 'profile', 'unavailable because'],
    rows,
    new Set([3, 4, 5, 6, 7]),
  );
  const sources = models.filter((m) => m.qualitySource).map((m) => `  ${m.id}: ${m.qualitySource}`);
  return sources.length > 0 ? `${table}\n\nquality sources (a prior: its public score sets the level and the tier, a measured model of that tier the profile):\n${sources.join('\n')}` : table;
}

export async function modelsCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...CONNECTION_OPTIONS, json: { type: 'boolean', default: false } } });
  if (positionals.length > 0) {
    io.err.write(`switchyard models: unexpected argument "${positionals[0]}"\n${MODELS_USAGE}\n`);
    return 2;
  }
  const conn = connection(values, io);
  if (typeof conn === 'string') {
    io.err.write(`switchyard models: ${conn}\n`);
    return 2;
  }
  const { addr } = conn;
  const client = conn.client();
  try {
    const r = await listModels(client);
    io.out.write((values.json ? JSON.stringify(r) : formatModels(r.models)) + '\n');
    if (r.models.length > 0 && r.models.every((m) => !m.available)) {
      io.err.write(`switchyard models: Switchyard at ${addr} is up, but has no executor (or no credentials) for any model\n`);
    }
    return 0;
  } catch (e) {
    io.err.write(`switchyard models: ${await conn.explain(e)}\n`);
    return 1;
  } finally {
    client.close();
  }
}
