/**
 * Label values a metric may carry, fixed when the recorder is built from the configuration,
 * and attribute objects made once per combination of values. A value outside its set becomes
 * `other`, so whatever a client sends, the number of series stays bounded by the config.
 */
import type { Attributes } from '@opentelemetry/api';

export const OTHER = 'other';

/** A fixed set of values for one label. */
export class LabelValues {
  private readonly values: ReadonlySet<string>;
  constructor(values: Iterable<string>) {
    this.values = new Set(values);
  }
  bound(v: string): string {
    return this.values.has(v) ? v : OTHER;
  }
}

/**
 * A set that admits the first `cap` distinct values that look like identifiers, then `other`:
 * for names the recorder cannot know in advance (feedback metrics of a config it never saw).
 */
export class FirstSeenValues {
  private readonly values = new Set<string>();
  constructor(
    private readonly cap: number,
    private readonly pattern = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/,
  ) {}
  bound(v: string): string {
    if (this.values.has(v)) return v;
    if (this.values.size >= this.cap || !this.pattern.test(v)) return OTHER;
    this.values.add(v);
    return v;
  }
}

type Tree = Map<string, Tree | Attributes>;

/**
 * Frozen attribute objects for `keys`, one per combination of (already bounded) values, made
 * on first use and kept: recording a measurement then allocates nothing.
 */
export class AttributeCache {
  private readonly root: Tree = new Map();
  constructor(
    private readonly keys: readonly string[],
    private readonly fixed: Attributes = {},
  ) {}

  get(a: string, b = '', c = '', d = ''): Attributes {
    const n = this.keys.length;
    let node = this.root;
    if (n > 1) node = child(node, a);
    if (n > 2) node = child(node, b);
    if (n > 3) node = child(node, c);
    const last = n === 1 ? a : n === 2 ? b : n === 3 ? c : d;
    return (node.get(last) as Attributes | undefined) ?? this.make(node, last, [a, b, c, d]);
  }

  private make(node: Tree, last: string, values: string[]): Attributes {
    const attrs: Attributes = { ...this.fixed };
    for (let i = 0; i < this.keys.length; i++) attrs[this.keys[i]!] = values[i]!;
    Object.freeze(attrs);
    node.set(last, attrs);
    return attrs;
  }
}

function child(node: Tree, key: string): Tree {
  const found = node.get(key) as Tree | undefined;
  if (found) return found;
  const next: Tree = new Map();
  node.set(key, next);
  return next;
}
