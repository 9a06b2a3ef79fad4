/**
 * Loads and validates the configuration: YAML → schema → cross-references. Every problem is
 * reported with the path of the key it concerns; the first load error stops the service.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { crossCheckMonitoring } from './monitoring-section.js';
import { config as configSchema, type Config } from './schema.js';
import { shadowProblems } from './shadow-schema.js';
import { catalogPriorTiers, type PriorTier } from '../quality-tier.js';

/** The repository (package) root: where config/, models/ and build/ live. */
export const PACKAGE_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  // services/shared/config (sources) or dist/services/shared/config (compiled).
  for (let i = 0; i < 6; i++) {
    try {
      readFileSync(resolve(dir, 'package.json'));
      return dir;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('cannot find the package root from ' + fileURLToPath(import.meta.url));
})();

export const DEFAULT_CONFIG_PATH = resolve(PACKAGE_ROOT, 'config/switchyard.default.yaml');

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: Config;
  /** The file it came from. */
  source: string;
  /** Resolved path of the router model file. */
  modelFile: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const at = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${at === '(top level)' ? k : `${at}.${k}`}: unknown key`).join('; ');
  }
  if (issue.code === 'invalid_union' && at.endsWith('quality')) {
    return `${at}: must be one of {profile: ID, source?: TEXT}, {like: ID, logit_shift: X, source?: TEXT}, {benchmark: Q in (0, 1), source: TEXT, like?: ID}`;
  }
  return `${at}: ${issue.message}`;
}

/** Problems that the schema alone cannot see: names that must refer to each other. */
function crossCheck(c: Config): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  c.models.forEach((m, i) => {
    if (ids.has(m.id)) problems.push(`models[${i}].id: duplicate model id "${m.id}"`);
    ids.add(m.id);
    const names = new Set<string>();
    m.deployments.forEach((d, j) => {
      if (names.has(d.name)) problems.push(`models[${i}].deployments[${j}].name: duplicate deployment "${d.name}"`);
      names.add(d.name);
    });
    if (m.max_output_tokens > m.context_window) {
      problems.push(`models[${i}].max_output_tokens: ${m.max_output_tokens} exceeds context_window ${m.context_window}`);
    }
  });
  problems.push(...priorProblems(c));
  const policies = new Set(Object.keys(c.policies));
  if (!policies.has(c.router.default_policy) && !(policies.size === 0 && c.router.default_policy === 'balanced')) {
    problems.push(`router.default_policy: no policy named "${c.router.default_policy}" (have: ${[...policies].join(', ') || 'none'})`);
  }
  for (const [name, p] of Object.entries(c.policies)) {
    if (p.reference_model && !ids.has(p.reference_model)) problems.push(`policies.${name}.reference_model: unknown model "${p.reference_model}"`);
    // A policy that a hard pin applies (compliance) never explores.
    const hardRule = p.exploration ? c.rules.find((r) => r.action.policy === name && r.action.pin_hard) : undefined;
    if (hardRule) problems.push(`policies.${name}.exploration: rule ${hardRule.name} applies this policy with a hard pin (compliance), which never explores; remove exploration or use another policy`);
  }
  const metrics = new Set<string>();
  c.feedback.metrics.forEach((m, i) => {
    if (metrics.has(m.name)) problems.push(`feedback.metrics[${i}].name: duplicate metric "${m.name}"`);
    metrics.add(m.name);
    if (m.quality && !(m.quality.max > m.quality.min)) problems.push(`feedback.metrics[${i}].quality.max: must be greater than min (${m.quality.min})`);
  });
  c.rules.forEach((r, i) => {
    const at = `rules[${i}].action`;
    const refs: [string, string[]][] = [
      ['pin', r.action.pin ? [r.action.pin] : []],
      ['restrict', r.action.restrict ?? []],
      ['exclude', r.action.exclude ?? []],
    ];
    for (const [key, list] of refs) {
      list.forEach((m, j) => {
        if (!ids.has(m)) problems.push(`${at}.${key}${key === 'pin' ? '' : `[${j}]`}: unknown model "${m}"`);
      });
    }
    if (r.action.policy && !policies.has(r.action.policy)) problems.push(`${at}.policy: no policy named "${r.action.policy}"`);
    if (!r.action.pin && r.action.pin_hard !== undefined) problems.push(`${at}.pin_hard: needs pin (the model to pin)`);
    if (!r.action.pin_hard && r.action.pin_fallbacks !== undefined) problems.push(`${at}.pin_fallbacks: needs pin_hard: true (a soft pin always has fallbacks)`);
    if (Object.values(r.action).every((v) => v === undefined)) problems.push(`${at}: names no action (pin, restrict, exclude, policy or strategy)`);
  });
  for (const [name, t] of Object.entries(c.tenants)) {
    const at = `tenants.${name}`;
    (t.models ?? []).forEach((m, j) => {
      if (!ids.has(m)) problems.push(`${at}.models[${j}]: unknown model "${m}"`);
    });
    (t.policies ?? []).forEach((p, j) => {
      if (!policies.has(p)) problems.push(`${at}.policies[${j}]: no policy named "${p}"`);
    });
    if (t.default_policy !== undefined) {
      if (!policies.has(t.default_policy)) problems.push(`${at}.default_policy: no policy named "${t.default_policy}"`);
      else if (t.policies && !t.policies.includes(t.default_policy)) problems.push(`${at}.default_policy: "${t.default_policy}" is not among the tenant's policies`);
    } else if (t.policies && !t.policies.includes(c.router.default_policy)) {
      problems.push(`${at}.default_policy: required when the tenant's policies leave out router.default_policy ("${c.router.default_policy}")`);
    }
  }
  problems.push(...shadowProblems(c.shadow, { modelIds: ids, policies: policies.size > 0 ? policies : new Set(['balanced']), metrics: c.feedback.metrics }));

  problems.push(...crossCheckMonitoring(c));
  return problems;
}

/** A year in a source: the date its figure was published or read. */
const YEAR = /\b(19|20)\d\d\b/;

/**
 * Benchmark priors: each names its source (the benchmark and its date), and models of
 * different tiers (shared/quality-tier.ts: set by the score) are not predicted by one profile.
 */
function priorProblems(c: Config): string[] {
  const problems: string[] = [];
  const priors: { i: number; like: string | undefined }[] = [];
  c.models.forEach((m, i) => {
    const q = m.quality;
    if (!('benchmark' in q)) return;
    if (q.source === undefined) problems.push(`models[${i}].quality.source: required for a benchmark prior: name the benchmark and its date, e.g. "MMLU-Pro ~0.87, Artificial Analysis leaderboard, 2025-08"`);
    else if (!YEAR.test(q.source)) problems.push(`models[${i}].quality.source: "${q.source}" states no date: add the year the score was published or read`);
    priors.push({ i, like: q.like });
  });
  const tiers = catalogPriorTiers(c.models);
  const tierOfProfile = new Map<string, { tier: PriorTier; i: number }>();
  priors.forEach(({ i, like }) => {
    if (like === undefined) return;
    const seen = tierOfProfile.get(like);
    if (seen && seen.tier !== tiers[i]) {
      problems.push(
        `models[${i}].quality.like: "${like}" already predicts ${c.models[seen.i]!.id}, a ${seen.tier} model, and ${c.models[i]!.id} is ${tiers[i]} by its score; models of different tiers need different profiles`,
      );
    } else if (!seen) tierOfProfile.set(like, { tier: tiers[i]!, i });
  });
  return problems;
}

/** Parses and validates configuration text. `source` names it in errors. */
export function parseConfig(text: string, source: string): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) throw new ConfigError(source, doc.errors.map((e) => `YAML line ${lines.linePos(e.pos[0]).line}: ${e.message}`));
  const raw: unknown = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(source, parsed.error.issues.map(formatIssue));
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  if (Object.keys(parsed.data.policies).length === 0) parsed.data.policies.balanced = configSchemaPolicyDefault();
  return parsed.data;
}

function configSchemaPolicyDefault(): Config['policies'][string] {
  return configSchema.shape.policies.unwrap().valueType.parse({});
}

/** Loads the file at `path`, or the built-in default when `path` is undefined. */
export function loadConfig(path?: string): LoadedConfig {
  const source = path ? resolve(path) : DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (e) {
    throw new ConfigError(source, [`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  const config = parseConfig(text, source);
  // A relative model file is looked up beside the config file, then in the package root
  // (where the shipped model lives).
  const file = config.router.model_file;
  const beside = resolve(dirname(source), file);
  const modelFile = isAbsolute(file) ? file : existsSync(beside) ? beside : resolve(PACKAGE_ROOT, file);
  return { config, source, modelFile };
}
