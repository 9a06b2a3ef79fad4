/**
 * What in-process listeners of the decision log (the status board, the drift monitor) are
 * given for each record: the few fields they read, taken from what Decide and Execute already
 * hold, not the whole DecisionRecord. The stored record is encoded straight to bytes
 * (record-encoder.ts); building it a second time as an object for listeners (candidates
 * copied, the prompt hashed again) cost as much as encoding it.
 *
 * A whole DecisionRecord is also a RecordView, so code that reads records back from the store
 * can hand them to the same listeners.
 */
import type { DecisionRecord } from '../../generated/switchyard/v1/DecisionRecord.js';
import type { RecordCandidate } from '../../generated/switchyard/v1/RecordCandidate.js';
import type { RecordFeatures } from '../../generated/switchyard/v1/RecordFeatures.js';

export type RecordView = Pick<DecisionRecord, 'decisionId' | 'timeUnixMs' | 'labels' | 'policy' | 'routerModel' | 'model' | 'reason' | 'outcome' | 'prompt'> & {
  features?: Pick<RecordFeatures, 'estimatedInputTokens' | 'script'> | null;
  /** The candidates as the decision explained them (model and predicted quality are read). */
  candidates?: readonly Pick<RecordCandidate, 'model' | 'predictedQuality'>[];
};
