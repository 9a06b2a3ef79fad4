import { describe, expect, it } from 'vitest';
import { recordSegment } from '../../services/evaluation/record-signals.js';
import { StatusBoard } from '../../services/status/status-board.js';

const id = (i: number) => `01900000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;

describe('status board - counts from the decision log', () => {
  it('joins feedback that arrives before its record, and forgets feedback for decisions it never sees', () => {
    let clock = 5_000;
    const board = new StatusBoard({ recent: 2, segmentOf: recordSegment, now: () => clock });
    for (let i = 100; i < 120; i++) board.feedback({ decisionId: id(i), metric: 'correct', value: 0 });
    board.feedback({ decisionId: id(1), metric: 'correct', value: 1 });
    board.record({ decisionId: id(1), model: 'm1', labels: { task: 'math' }, outcome: { answeredModel: 'm1', costUsd: 0.001, referenceCostUsd: 0.004 } });
    board.record({ decisionId: id(2), model: 'm2', labels: { task: 'chat' } });
    board.feedback({ decisionId: id(2), metric: 'helpful', value: 1 });
    clock += 2_000;
    const s = board.snapshot();
    expect(s.recent.map((d) => [d.id, d.outcome, d.feedback])).toEqual([
      [id(2), 'decided', [{ metric: 'helpful', value: 1 }]],
      [id(1), 'ok', [{ metric: 'correct', value: 1 }]],
    ]);
    expect(s.byModel).toEqual([
      { model: 'm1', decisions: 1, share: 0.5 },
      { model: 'm2', decisions: 1, share: 0.5 },
    ]);
    expect(s).toMatchObject({ decisions: 2, costUsd: 0.001, referenceCostUsd: 0.004, savingsUsd: 0.003 });
    expect(s.decisionsPerSecond).toBeCloseTo(2 / 60, 9);
    // Feedback for the 20 unseen decisions is bounded (4 × recent), the oldest forgotten.
    for (let i = 100; i < 120; i++) board.record({ decisionId: id(i), model: 'm1' });
    expect(board.snapshot().recent.map((d) => d.feedback.length)).toEqual([1, 1]);
    board.record({ decisionId: id(100), model: 'm1' });
    expect(board.snapshot().recent[0]!.feedback).toEqual([]);
  });
});
