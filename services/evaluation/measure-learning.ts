/**
 * The learning goals measured (learning-scenario.ts): the off-policy estimate of a candidate
 * policy against its true quality on the same replayed traffic, and the quality a router
 * retrained from its log recovers after an injected drop, per fault rule over several seeds
 * of the log (mean and 95% interval). A measurement, not a test: it prints what it finds and
 * passes or fails nothing.
 *
 *   npx tsc -p tsconfig.json && node dist/services/evaluation/measure-learning.js [--json] [--seed N] [--seeds N]
 *     [--fault most-routed|with-substitute] [--no-off-policy] [--mix '{"changed":"shift"}'] [--challenger corrected|warm|fresh|fresh-log-seed] [--correct-scope segment|pair] [--no-knob-cap]
 *
 * --seed: the scenario's (the first router's training); --seeds: how many logs (seeds 1..N) each
 * fault rule is retrained from (5).
 */
import { pathToFileURL } from 'node:url';
import { offPolicyGoal, openScenario, retrainGoal, SCENARIO_DEFAULTS, type RetrainGoal, type ScenarioOptions } from './learning-scenario.js';
import type { FaultRule } from './recovery-reference.js';
import { summarizeSeeds } from './seed-summary.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const say = (line: string) => process.stderr.write(`${line}\n`);
const f = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(4));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function sayRetrain(r: RetrainGoal): void {
  say(`  seed ${r.seed}: log ${r.mix.logPrompts} graded answers, ${r.mix.sharedPrompts} shared prompts kept; the log alone speaks for: ${Object.entries(r.mix.fromLog).map(([k, v]) => `${k} (${v.n}, ${v.shift.toFixed(3)} vs ${v.against})`).join(', ') || 'none'}`);
  say(`    retrained ${f(r.retrained.quality)} at knob ${r.retrained.knob}, cost ${pct(r.costRatio)} of before: ${pct(r.recoveredOfAchievable)} of the recoverable loss, ${pct(r.recovered)} of the raw loss (graded answers: ${f(r.retrained.sampled)}, ${pct(r.sampledRecovered)} of the graded raw loss)`);
  for (const [name, m] of Object.entries(r.modelEstimates ?? {})) {
    const e = m.estimate.quality;
    say(`    ${name} model from the log: true ${f(m.truth)}; SNIPS ${f(e.snips.value)} [${f(e.snips.low)}, ${f(e.snips.high)}], DR ${f(e.dr?.value)} [${f(e.dr?.low)}, ${f(e.dr?.high)}]; error IPS ${f(m.error.ips)}, SNIPS ${f(m.error.snips)}, DR ${f(m.error.dr)} (ESS ${e.ess.toFixed(0)})`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seed = arg('--seed');
  const mix = arg('--mix');
  const seeds = Number(arg('--seeds') ?? 5);
  const faults: FaultRule[] = arg('--fault') ? [arg('--fault') as FaultRule] : ['most-routed', 'with-substitute'];
  const o = {
    ...SCENARIO_DEFAULTS,
    ...(seed ? { seed: Number(seed) } : {}),
    ...(mix ? { mix: JSON.parse(mix) } : {}),
    ...(process.argv.includes('--no-knob-cap') ? { knobCap: false } : {}),
    ...(arg('--correct-scope') ? { correctScope: arg('--correct-scope') as ScenarioOptions['correctScope'] } : {}),
    ...(arg('--challenger') ? { challenger: arg('--challenger') as ScenarioOptions['challenger'] } : {}),
  };
  const t0 = performance.now();
  const s = await openScenario(o);
  say(`data: ${s.shared.prompts.length} shared, ${s.live.length} live, ${s.heldOut.length} held-out prompts; first model trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    const ope = process.argv.includes('--no-off-policy') ? undefined : await offPolicyGoal(s, o);
    if (ope) {
      const q = ope.estimate.quality;
      say(`off-policy: candidate knob ${o.candidateKnob} from a log at knob ${o.knob} with exploration ${o.exploreShare} (${ope.estimate.decisions} decisions, ESS ${q.ess.toFixed(0)}, agreement ${ope.estimate.agreement.toFixed(3)})`);
      say(`  true quality ${f(ope.truth.quality)}; IPS ${f(q.ips.value)} [${f(q.ips.low)}, ${f(q.ips.high)}], SNIPS ${f(q.snips.value)} [${f(q.snips.low)}, ${f(q.snips.high)}], DR ${f(q.dr?.value)} [${f(q.dr?.low)}, ${f(q.dr?.high)}]`);
      if (q.bootstrap) say(`  bootstrap (${q.bootstrap.resamples} resamples): SNIPS [${f(q.bootstrap.snips.low)}, ${f(q.bootstrap.snips.high)}], DR [${f(q.bootstrap.dr?.low)}, ${f(q.bootstrap.dr?.high)}]`);
      say(`  error: IPS ${f(ope.error.ips)}, SNIPS ${f(ope.error.snips)}, DR ${f(ope.error.dr)} (goal: within 0.02); cost true ${ope.truth.cost_usd.toExponential(3)}, SNIPS ${ope.estimate.cost_usd.snips.value.toExponential(3)}`);
    }
    const retrains: Record<string, RetrainGoal[]> = {};
    for (const fault of faults) {
      const runs: RetrainGoal[] = [];
      for (let k = 1; k <= seeds; k++) {
        const r = await retrainGoal(s, { ...o, fault, seed: k, estimateModels: k === 1 });
        if (k === 1) {
          say(`retraining (fault rule ${fault}): ${r.degraded.model} on ${r.degraded.segment} worse by ${r.degraded.drop}${r.degraded.substitute ? ` (substitute ${r.degraded.substitute})` : ''}; exact quality on ${s.heldOut.length} held-out prompts`);
          say(`  before ${f(r.before.quality)} (cost ${r.before.cost_usd.toExponential(4)}), after the drop ${f(r.afterDrop.quality)}: raw loss ${f(r.before.quality - r.afterDrop.quality)}; recoverable loss ${f(r.achievable.recoverableLoss)} (achievable ${f(r.achievable.quality)} by ${r.achievable.by}; oracle re-route ${f(r.oracle.quality)} at knob ${r.oracle.knob}, cost ${r.oracle.cost_usd.toExponential(4)}; substitute ceiling ${f(r.ceiling.quality)} by ${r.ceiling.model})`);
        }
        sayRetrain(r);
        runs.push(r);
      }
      const sum = (pick: (r: RetrainGoal) => number) => {
        const x = summarizeSeeds(runs.map(pick));
        return `${pct(x.mean)} [${pct(x.low)}, ${pct(x.high)}] (seeds: ${pct(x.min)} to ${pct(x.max)})`;
      };
      say(`  over ${runs.length} seeds (mean [95% interval]): ${sum((r) => r.recoveredOfAchievable)} of the recoverable loss; ${sum((r) => r.recovered)} of the raw loss; cost ${sum((r) => r.costRatio)} of before`);
      retrains[fault] = runs;
    }
    say(`${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ offPolicy: ope, retrain: retrains })}\n`);
  } finally {
    s.close();
  }
}
