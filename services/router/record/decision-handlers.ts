/** The RouterService's decision-log RPCs: GetDecision, ListDecisions, SubmitFeedback, ReportOutcome. */
import type * as grpc from '@grpc/grpc-js';
import type { RouterServiceHandlers } from '../../generated/switchyard/v1/RouterService.js';
import { FailedPreconditionError } from '../../shared/errors.js';
import { toStatus } from '../../shared/grpc/status.js';
import type { Logger } from '../../shared/log.js';
import type { DecisionLog } from './decision-log.js';

type Handlers = Pick<RouterServiceHandlers, 'GetDecision' | 'ListDecisions' | 'SubmitFeedback' | 'ReportOutcome'>;

export function decisionLogHandlers(log: DecisionLog | undefined, logger: Logger): Handlers {
  const off = new FailedPreconditionError('the decision log is off in this process (decision_log.enabled: false)');
  const answer = <T>(rpc: string, callback: grpc.sendUnaryData<T>, work: () => T | Promise<T>) => {
    if (!log) {
      callback(toStatus(off));
      return;
    }
    Promise.resolve()
      .then(work)
      .then(
        (r) => callback(null, r),
        (e) => callback(toStatus(e, (msg, err) => logger.error(msg, { rpc, error: err }))),
      );
  };
  return {
    GetDecision(call, callback) {
      answer('GetDecision', callback, async () => ({ decision: await log!.get(call.request.decisionId) }));
    },
    ListDecisions(call, callback) {
      answer('ListDecisions', callback, () => log!.list(call.request));
    },
    SubmitFeedback(call, callback) {
      answer('SubmitFeedback', callback, () => ({ accepted: log!.submitFeedback(call.request) }));
    },
    ReportOutcome(call, callback) {
      answer('ReportOutcome', callback, () => ({ costUsd: log!.reportOutcome(call.request) }));
    },
  };
}
