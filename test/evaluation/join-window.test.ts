import { describe, expect, it } from 'vitest';
import { JoinWindow } from '../../services/evaluation/join-window.js';

describe('join window - what feedback joins', () => {
  it('remembers the last decisions up to its size, letting the oldest go', () => {
    const w = new JoinWindow(3, 1_000, () => 0);
    for (let i = 0; i < 5; i++) w.set(`d${i}`, `m${i}`, 's', i / 10, 100 + i);
    expect(w.count).toBe(3);
    expect(w.get('d0')).toBeUndefined();
    expect(w.get('d1')).toBeUndefined();
    expect(w.get('d4')).toEqual({ model: 'm4', segment: 's', predicted: 0.4, atMs: 104 });
  });

  it('joins within ttl of being noted only, and lets stale ones go when purged', () => {
    let now = 1_000;
    const w = new JoinWindow(10, 500, () => now);
    w.set('a', 'm', 's', 0.5, 1);
    now = 1_400;
    w.set('b', 'm', 's', 0.5, 2);
    now = 1_500;
    expect(w.get('a')?.model).toBe('m');
    now = 1_501;
    expect(w.get('a')).toBeUndefined();
    expect(w.count).toBe(2);
    w.purgeStale();
    expect(w.count).toBe(1);
    expect(w.get('b')?.atMs).toBe(2);
  });

  it('forgets a deleted decision, and a decision noted again takes its new figures', () => {
    const w = new JoinWindow(2, 1_000, () => 0);
    w.set('a', 'm1', 's', 0.1, 1);
    w.set('a', 'm2', 's', 0.2, 2);
    expect(w.count).toBe(1);
    expect(w.get('a')?.model).toBe('m2');
    w.set('b', 'm', 's', 0.3, 3);
    expect(w.get('a')?.model).toBe('m2');
    w.delete('a');
    expect(w.get('a')).toBeUndefined();
    expect(w.count).toBe(1);
    w.set('c', 'm', 's', 0.3, 3);
    w.set('d', 'm', 's', 0.3, 3);
    // The oldest noted (b) is let go for d.
    expect([w.get('b'), w.get('c')?.model, w.get('d')?.model]).toEqual([undefined, 'm', 'm']);
  });
});
