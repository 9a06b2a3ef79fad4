/**
 * The learning goals measured (learning-scenario.ts): the off-policy estimate of a candidate
 * policy against its true quality on the same replayed traffic, and the quality a router
 * retrained from its log recovers after an injected drop. A measurement, not a test: it prints
 * what it finds and passes or fails nothing.
 *
 *   npx tsc -p tsconfig.json && node dist/services/evaluation/measure-learning.js [--json] [--seed N] [--mix '{"changed":"shift"}']
 */
import { pathToFileURL } from 'node:url';
import { offPolicyGoal, openScenario, retrainGoal, SCENARIO_DEFAULTS, type RetrainGoal } from './learning-scenario.js';

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--seed');
  const m = process.argv.indexOf('--mix');
  const o = { ...SCENARIO_DEFAULTS, ...(i > 0 ? { seed: Number(process.argv[i + 1]) } : {}), ...(m > 0 ? { mix: JSON.parse(process.argv[m + 1]!) } : {}) };
  const t0 = performance.now();
  const s = await openScenario(o);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  say(`data: ${s.shared.prompts.length} shared, ${s.live.length} live, ${s.heldOut.length} held-out prompts; first model trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    const ope = await offPolicyGoal(s, o);
    const q = ope.estimate.quality;
    const f = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(4));
    say(`off-policy: candidate knob ${o.candidateKnob} from a log at knob ${o.knob} with exploration ${o.exploreShare} (${ope.estimate.decisions} decisions, ESS ${q.ess.toFixed(0)}, agreement ${ope.estimate.agreement.toFixed(3)})`);
    say(`  true quality ${f(ope.truth.quality)}; IPS ${f(q.ips.value)} [${f(q.ips.low)}, ${f(q.ips.high)}], SNIPS ${f(q.snips.value)} [${f(q.snips.low)}, ${f(q.snips.high)}], DR ${f(q.dr?.value)} [${f(q.dr?.low)}, ${f(q.dr?.high)}]`);
    if (q.bootstrap) say(`  bootstrap (${q.bootstrap.resamples} resamples): SNIPS [${f(q.bootstrap.snips.low)}, ${f(q.bootstrap.snips.high)}], DR [${f(q.bootstrap.dr?.low)}, ${f(q.bootstrap.dr?.high)}]`);
    say(`  error: IPS ${f(ope.error.ips)}, SNIPS ${f(ope.error.snips)}, DR ${f(ope.error.dr)} (goal: within 0.02); cost true ${ope.truth.cost_usd.toExponential(3)}, SNIPS ${ope.estimate.cost_usd.snips.value.toExponential(3)}`);
    const retrains: RetrainGoal[] = [];
    for (const fault of ['most-routed', 'with-substitute'] as const) {
      const r = await retrainGoal(s, { ...o, fault });
      retrains.push(r);
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      say(`retraining (fault rule ${fault}): ${r.degraded.model} on ${r.degraded.segment} worse by ${r.degraded.drop}${r.degraded.substitute ? ` (substitute ${r.degraded.substitute})` : ''}; log ${r.mix.logPrompts} graded answers, ${r.mix.sharedPrompts} shared prompts kept`);
      say(`  the log alone speaks for: ${Object.entries(r.mix.fromLog).map(([k, v]) => `${k} (${v.n}, ${v.shift.toFixed(3)} vs ${v.against})`).join(', ') || 'none'}`);
      say(`  quality before ${f(r.before.quality)}, after the drop ${f(r.afterDrop.quality)}, retrained ${f(r.retrained.quality)} (knob ${r.retrained.knob})`);
      say(`  recovered ${pct(r.recovered)} of the raw loss ${f(r.before.quality - r.afterDrop.quality)} (goal >= 80%); ${pct(r.recoveredOfAchievable)} of the recoverable loss ${f(r.achievable.recoverableLoss)} (achievable ${f(r.achievable.quality)} by ${r.achievable.by}; oracle re-route ${f(r.oracle.quality)} at knob ${r.oracle.knob}, cost ${r.oracle.cost_usd.toExponential(4)})`);
      say(`  substitute ceiling (degraded calls to ${r.ceiling.model}): ${f(r.ceiling.quality)}, ${pct(r.ceiling.recovered)} of the raw loss`);
      say(`  cost per request before ${r.before.cost_usd.toExponential(4)}, retrained ${r.retrained.cost_usd.toExponential(4)} (goal: no more)`);
      for (const [name, m] of Object.entries(r.modelEstimates)) {
        const e = m.estimate.quality;
        say(`  ${name} model from the log: true ${f(m.truth)}; SNIPS ${f(e.snips.value)} [${f(e.snips.low)}, ${f(e.snips.high)}], DR ${f(e.dr?.value)} [${f(e.dr?.low)}, ${f(e.dr?.high)}]; error IPS ${f(m.error.ips)}, SNIPS ${f(m.error.snips)}, DR ${f(m.error.dr)} (ESS ${e.ess.toFixed(0)})`);
      }
    }
    say(`${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ offPolicy: ope, retrain: retrains })}\n`);
  } finally {
    s.close();
  }
}
