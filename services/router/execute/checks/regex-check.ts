/**
 * Regex: the answer's text must match (or, with `must_match: false`, must not match) an
 * operator's pattern. The pattern is compiled once, when the check is built; the schema has
 * already refused patterns that do not compile and the stateful g and y flags.
 */
import type { Check, CheckContext, CheckInput, Verdict } from './check.js';
import { describeCheckSpec } from '../../../shared/config/check-spec.js';

export interface RegexOptions {
  pattern: string;
  flags?: string;
  /** Default true. */
  must_match?: boolean;
}

export class RegexCheck implements Check {
  readonly name: string;
  readonly kind = 'deterministic';
  private readonly re: RegExp;
  private readonly mustMatch: boolean;

  constructor(options: RegexOptions) {
    this.re = new RegExp(options.pattern, (options.flags ?? '').replace(/[gy]/g, ''));
    this.mustMatch = options.must_match ?? true;
    this.name = describeCheckSpec({ regex: options });
  }

  async run({ answer }: CheckInput, _ctx?: CheckContext): Promise<Verdict> {
    const matches = this.re.test(answer.text);
    const pass = matches === this.mustMatch;
    const detail = this.mustMatch
      ? matches ? `the answer matches ${this.re}` : `the answer does not match ${this.re}`
      : matches ? `the answer matches ${this.re}, which it must not` : `the answer does not match ${this.re}, as required`;
    return { check: this.name, pass, detail };
  }
}
