/**
 * Which share of a request's traffic is shadowed: the segment's share under its policy, else
 * the policy's, else `shadow.share`. The segment is the one the decision log files a record
 * under (record/decision-views.ts segmentOf): the task label, else the prompt's script.
 */
import type { ShadowConfig } from '../../shared/config/shadow-schema.js';
import type { Decision } from '../decide/decide.js';
import { segmentKey } from '../../shared/segment.js';

export function segmentOfDecision(d: Decision): string {
  return segmentKey(d.request.labels.task, d.response.features?.script);
}

export function shareFor(s: ShadowConfig, policy: string, segment: string): number {
  const p = s.policies[policy];
  return p?.segments[segment] ?? p?.share ?? s.share;
}
