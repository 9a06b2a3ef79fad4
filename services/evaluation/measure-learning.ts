/**
 * The learning goals measured (learning-scenario.ts): the off-policy estimate of a candidate
 * policy against its true quality on the same replayed traffic, and the quality a router
 * retrained from its log recovers after an injected drop. A measurement, not a test: it prints
 * what it finds and passes or fails nothing.
 *
 *   npx tsc -p tsconfig.json && node dist/services/evaluation/measure-learning.js [--json] [--seed N]
 */
import { pathToFileURL } from 'node:url';
import { offPolicyGoal, openScenario, retrainGoal, SCENARIO_DEFAULTS } from './learning-scenario.js';

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--seed');
  const o = { ...SCENARIO_DEFAULTS, ...(i > 0 ? { seed: Number(process.argv[i + 1]) } : {}) };
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
    say(`  error: IPS ${f(ope.error.ips)}, SNIPS ${f(ope.error.snips)}, DR ${f(ope.error.dr)} (goal: within 0.02); cost true ${ope.truth.cost_usd.toExponential(3)}, SNIPS ${ope.estimate.cost_usd.snips.value.toExponential(3)}`);
    const r = await retrainGoal(s, o);
    say(`retraining: ${r.degraded.model} on ${r.degraded.segment} worse by ${r.degraded.drop}; log ${r.mix.logPrompts} graded answers, ${r.mix.sharedPrompts} shared prompts kept`);
    say(`  the log alone speaks for: ${Object.entries(r.mix.fromLog).map(([k, v]) => `${k} (${v.n}, ${v.shift.toFixed(3)})`).join(', ') || 'none'}`);
    say(`  quality before ${f(r.before.quality)}, after the drop ${f(r.afterDrop.quality)}, retrained ${f(r.retrained.quality)} (knob ${r.retrained.knob}): recovered ${(r.recovered * 100).toFixed(1)}% (goal >= 80%)`);
    say(`  ceiling of a router that only moves the degraded calls to the segment's best other model (${r.ceiling.model}): ${f(r.ceiling.quality)}, ${(r.ceiling.recovered * 100).toFixed(1)}% of the loss`);
    say(`  cost per request before ${r.before.cost_usd.toExponential(4)}, retrained ${r.retrained.cost_usd.toExponential(4)} (goal: no more); ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ offPolicy: ope, retrain: r })}\n`);
  } finally {
    s.close();
  }
}
